"""The administrators' pages: who may open them, registering, editing, disabling, the delivery log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.webhooks import services
from coopreview.webhooks.enums import DeliveryStatus, WebhookEvent
from coopreview.webhooks.models import Delivery, Endpoint

SECRET_URL = "https://receiver.example/zebra-hook"


@pytest.fixture
def endpoint(admin_user) -> Endpoint:
    return services.endpoint_create(by=admin_user, url=SECRET_URL, events=[WebhookEvent.STATUS_CHANGED])


def _delivery(endpoint, status=DeliveryStatus.FAILED) -> Delivery:
    return Delivery.objects.create(
        endpoint=endpoint,
        event=WebhookEvent.STATUS_CHANGED,
        status=status,
        payload={"event": "followup.status_changed"},
        attempts=3,
        response_code=500,
        error="HTTP 500 Internal Server Error.",
    )


@pytest.mark.parametrize("who", ["outsider", "editor", "facilitator", "observer"])
def test_only_administrators_open_the_pages(who, request, endpoint):
    client = client_for(request.getfixturevalue(who))
    delivery = _delivery(endpoint)
    urls = [
        "/webhooks/",
        "/webhooks/new/",
        f"/webhooks/{endpoint.pk}/",
        f"/webhooks/{endpoint.pk}/edit/",
        "/webhooks/deliveries/",
        f"/webhooks/deliveries/{delivery.pk}/",
    ]

    responses = [client.get(url) for url in urls]
    posted = client.post(f"/webhooks/{endpoint.pk}/active/", {"active": "0"})
    created = client.post(
        "/webhooks/new/", {"url": "https://x.example/", "events": ["recommendation.created"]}
    )

    assert [r.status_code for r in responses] == [403] * len(urls)
    assert posted.status_code == created.status_code == 403
    assert not any(b"zebra-hook" in r.content or endpoint.secret.encode() in r.content for r in responses)
    assert Endpoint.objects.get().active and Endpoint.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(endpoint):
    response = client_for(None).get("/webhooks/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_administrator_registers_an_endpoint_and_sees_its_secret(admin_user):
    client = client_for(admin_user)

    response = client.post(
        "/webhooks/new/",
        {
            "url": "https://receiver.example/hook",
            "description": "Portal",
            "events": ["recommendation.created", "meeting.decisions_applied"],
            "active": "on",
        },
    )

    endpoint = Endpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/webhooks/{endpoint.pk}/"
    assert endpoint.events == ["recommendation.created", "meeting.decisions_applied"] and endpoint.active
    assert endpoint.owner == admin_user and len(endpoint.secret) >= 40
    page = client.get(response["Location"])
    assert endpoint.secret in page.content.decode() and "Meeting decisions applied" in page.content.decode()
    assert_valid_html(page.content)
    assert endpoint.history.get().history_change_reason == "Endpoint registered"
    assert "secret" not in {f.name for f in endpoint.history.model._meta.fields}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"url": "ftp://receiver.example/hook", "events": ["recommendation.created"]},
            "only http:// and https://",
        ),
        ({"url": "file:///etc/passwd", "events": ["recommendation.created"]}, "only http:// and https://"),
        ({"url": "https://receiver.example/hook"}, "This field is required"),
        ({"url": "https://receiver.example/hook", "events": ["moon.landed"]}, "Select a valid choice"),
    ],
)
def test_bad_registrations_are_refused_with_a_message(admin_user, data, message):
    response = client_for(admin_user).post("/webhooks/new/", data)

    assert response.status_code == 422
    assert message in response.content.decode()
    assert_valid_html(response.content)
    assert not Endpoint.objects.exists()


def test_edit_disable_enable_and_replace_the_secret(admin_user, endpoint):
    client = client_for(admin_user)
    old_secret = endpoint.secret

    client.post(
        f"/webhooks/{endpoint.pk}/edit/",
        {"url": "https://other.example/h", "events": ["recommendation.updated"], "active": "on"},
    )
    client.post(f"/webhooks/{endpoint.pk}/active/", {"active": "0"})
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.active) == (
        "https://other.example/h",
        ["recommendation.updated"],
        False,
    )
    client.post(f"/webhooks/{endpoint.pk}/active/", {"active": "1"})
    client.post(f"/webhooks/{endpoint.pk}/secret/")

    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.secret != old_secret
    reasons = list(endpoint.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == [
        "Endpoint registered",
        "Endpoint changed",
        "Endpoint disabled",
        "Endpoint enabled",
        "Signing secret replaced",
    ]


def test_the_delivery_log_filters_and_shows_a_delivery(admin_user, endpoint):
    failed = _delivery(endpoint)
    _delivery(endpoint, status=DeliveryStatus.SUCCEEDED)
    client = client_for(admin_user)

    everything = client.get("/webhooks/deliveries/")
    only_failed = client.get("/webhooks/deliveries/?status=failed")
    bad = client.get("/webhooks/deliveries/?status=lost")
    detail = client.get(f"/webhooks/deliveries/{failed.pk}/")

    assert "2 deliveries" in everything.content.decode()
    assert "1 delivery" in only_failed.content.decode()
    assert bad.status_code == 400
    assert (
        "HTTP 500 Internal Server Error." in detail.content.decode()
        and "Send again" in detail.content.decode()
    )
    for response in (everything, only_failed, bad, detail):
        assert_valid_html(response.content)


def test_send_again_from_the_page(admin_user, endpoint, settings):
    settings.WEBHOOKS_RETRY_DELAYS = []
    failed = _delivery(endpoint)

    response = client_for(admin_user).post(f"/webhooks/deliveries/{failed.pk}/again/")

    failed.refresh_from_db()
    assert response.status_code == 302
    assert failed.status == DeliveryStatus.PENDING and failed.attempts == 0  # queued after commit


def test_list_pages_run_a_constant_number_of_queries(admin_user):
    client = client_for(admin_user)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = services.endpoint_create(by=admin_user, url=SECRET_URL, events=[WebhookEvent.STATUS_CHANGED])
    _delivery(first)
    one = (count("/webhooks/"), count("/webhooks/deliveries/"), count(f"/webhooks/{first.pk}/"))
    for n in (2, 3):
        other = services.endpoint_create(
            by=admin_user, url=f"{SECRET_URL}/{n}", events=[WebhookEvent.STATUS_CHANGED]
        )
        _delivery(other)
        _delivery(first)

    three = (count("/webhooks/"), count("/webhooks/deliveries/"), count(f"/webhooks/{first.pk}/"))
    assert three == one
