"""Webhooks are not a way into the servers' own network: loopback, private, link-local and reserved
addresses are refused when an endpoint is saved (literal addresses) and when a delivery is sent (every
address its host resolves to), unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES says otherwise."""

import socket

import pytest
from django.db import transaction

from coopreview.webhooks import services
from coopreview.webhooks.enums import DeliveryStatus, WebhookEvent
from coopreview.webhooks.models import Delivery

from .test_delivery import _create, _endpoint

INTERNAL = [
    "http://127.0.0.1:8000/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://169.254.169.254/latest/meta-data/",  # the cloud metadata address
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
]


@pytest.fixture(autouse=True)
def production_guard(settings) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.parametrize("url", INTERNAL)
def test_an_internal_address_is_refused_when_saved(admin_user, url):
    with pytest.raises(services.WebhookError, match="loopback, private or reserved"):
        _endpoint(admin_user, url)


def test_a_public_address_is_accepted(admin_user):
    assert (
        _endpoint(admin_user, "https://receiver.example.org/hook").url == "https://receiver.example.org/hook"
    )


def test_a_name_resolving_to_an_internal_address_is_not_sent_to(
    admin_user, source, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    """A public-looking name saved, then resolved at send time to loopback (where the receiver is)."""
    port = receiver.url.rsplit(":", 1)[1].split("/")[0]
    endpoint = _endpoint(admin_user, f"http://hooks.example.org:{port}/")
    loopback = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: loopback)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _create(source)

    delivery = Delivery.objects.get(endpoint=endpoint, event=WebhookEvent.RECOMMENDATION_CREATED)
    assert receiver.received == []
    assert delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
    assert "loopback, private or reserved" in delivery.error


def test_the_setting_allows_a_closed_network(admin_user, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True

    assert _endpoint(admin_user, "http://10.1.2.3/hook").url == "http://10.1.2.3/hook"
