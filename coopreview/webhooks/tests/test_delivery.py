"""Deliveries to a real HTTP server on loopback: signed, retried with backoff, logged, never leaking."""

import hashlib
import hmac
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from coopreview.accounts.enums import Role
from coopreview.accounts.models import Membership
from coopreview.accounts.services import membership_grant
from coopreview.conftest import PASSWORD
from coopreview.jobs.enums import JobKind, JobState
from coopreview.jobs.models import Job
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.services import recommendation_create, recommendation_update
from coopreview.webhooks import services
from coopreview.webhooks.enums import DeliveryStatus, WebhookEvent
from coopreview.webhooks.models import Delivery


def _endpoint(owner, url, events=(WebhookEvent.RECOMMENDATION_CREATED,), **extra):
    return services.endpoint_create(by=owner, url=url, events=list(events), **extra)


def _create(source, reference="9", **extra):
    return recommendation_create(by=None, source=source, reference=reference,
                                 text=extra.pop("text", "The Court should publish its cooperation requests."),
                                 **extra)  # fmt: skip


def test_delivery_reaches_loopback_signed(admin_user, source, receiver, django_capture_on_commit_callbacks):
    endpoint = _endpoint(admin_user, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        rec = _create(source)

    (request,) = receiver.received
    headers, body = request["headers"], request["body"]
    timestamp = headers["X-Coopreview-Timestamp"]
    expected = hmac.new(
        endpoint.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Coopreview-Signature"] == f"sha256={expected}"
    assert abs(int(timestamp) - time.time()) < 60
    assert headers["X-Coopreview-Event"] == "recommendation.created"
    (payload,) = receiver.bodies()
    assert payload["event"] == "recommendation.created"
    assert payload["data"]["recommendation"]["reference"] == "9"
    assert payload["data"]["recommendation"]["text"] == "The Court should publish its cooperation requests."
    delivery = Delivery.objects.get()
    assert headers["X-Coopreview-Delivery"] == str(delivery.uid) == payload["id"]
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert delivery.delivered_at is not None
    assert Job.objects.get(kind=JobKind.WEBHOOK_DELIVERY).state == JobState.DONE
    assert rec.pk == payload["data"]["recommendation"]["id"]


def test_failing_endpoint_is_retried_then_marked_failed(
    admin_user, source, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_RETRY_DELAYS = [0, 0]  # three attempts, no wait
    receiver.status = 500
    _endpoint(admin_user, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        _create(source)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.PENDING, 1, 500)

    assert services.deliveries_retry_due() == 1
    assert services.deliveries_retry_due() == 1
    assert services.deliveries_retry_due() == 0

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.FAILED, 3, 500)
    assert "HTTP 500" in delivery.error and "receiver says no" in delivery.error
    assert len(receiver.received) == 3
    assert len({r["headers"]["X-Coopreview-Delivery"] for r in receiver.received}) == 1  # the same delivery


def test_a_retry_waits_for_its_backoff(
    admin_user, source, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_RETRY_DELAYS = [60, 300]
    receiver.status = 503
    _endpoint(admin_user, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        _create(source)

    delivery = Delivery.objects.get()
    wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
    assert 59 <= wait <= 61
    assert services.deliveries_retry_due() == 0
    assert len(receiver.received) == 1
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    receiver.status = 204
    assert services.deliveries_retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.SUCCEEDED, 2, "")


def test_unreachable_endpoint_records_the_error(
    admin_user, source, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_RETRY_DELAYS = []
    _endpoint(admin_user, "http://127.0.0.1:9/nothing-listens-here")

    with django_capture_on_commit_callbacks(execute=True):
        _create(source)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.FAILED, 1, None)
    assert "refused" in delivery.error.lower()


def test_restricted_record_is_announced_without_its_text(
    admin_user, orgs, source, receiver, django_capture_on_commit_callbacks
):
    _endpoint(admin_user, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        _create(source, "1", text="Restricted quokkacode plan.", visibility=Visibility.RESTRICTED,
                restricted_to=[orgs["OTP"]])  # fmt: skip
        _create(source, "2", text="Members zebracode plan.", visibility=Visibility.MEMBERS)

    assert len(receiver.received) == 2
    raw = b"".join(r["body"] for r in receiver.received)
    assert b"quokkacode" not in raw and b"zebracode" not in raw
    restricted = receiver.bodies()[0]["data"]["recommendation"]
    assert restricted["visibility"] == "restricted" and restricted["reference"] == "1"
    assert restricted["url"].endswith(f"/recommendations/{restricted['id']}/")


def test_only_active_subscribed_endpoints_receive(
    admin_user, source, receiver, django_capture_on_commit_callbacks
):
    _endpoint(admin_user, receiver.url + "/created")
    _endpoint(admin_user, receiver.url + "/changed", events=[WebhookEvent.RECOMMENDATION_UPDATED])
    off = _endpoint(admin_user, receiver.url + "/off")
    services.endpoint_update(endpoint=off, by=admin_user, active=False)

    with django_capture_on_commit_callbacks(execute=True):
        rec = _create(source)
    with django_capture_on_commit_callbacks(execute=True):
        recommendation_update(recommendation=rec, by=None, text="Changed.")

    assert [r["path"] for r in receiver.received] == ["/hook/created", "/hook/changed"]
    assert receiver.bodies()[1]["event"] == "recommendation.updated"


def test_nothing_is_sent_for_a_rolled_back_change(
    admin_user, source, receiver, django_capture_on_commit_callbacks
):
    _endpoint(admin_user, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            _create(source)
            raise RuntimeError("the user's change fails later")

    assert receiver.received == [] and not Delivery.objects.exists()


def test_an_owner_no_longer_administrator_receives_nothing(
    orgs, source, receiver, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import User

    owner = User.objects.create_user("former-admin", password=PASSWORD)
    membership_grant(user=owner, organisation=orgs["RM"], role=Role.ADMINISTRATOR)
    _endpoint(owner, receiver.url)
    Membership.objects.filter(user=owner).delete()

    with django_capture_on_commit_callbacks(execute=True):
        _create(source)

    delivery = Delivery.objects.get()
    assert receiver.received == []
    assert delivery.status == DeliveryStatus.FAILED and "no longer an administrator" in delivery.error


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x", "http://", "javascript:x"]
)
def test_non_http_urls_are_refused(admin_user, url):
    with pytest.raises(services.WebhookError, match="URL"):
        _endpoint(admin_user, url)


def test_only_administrators_register_endpoints(editor, outsider, receiver):
    for user in (editor, outsider):
        with pytest.raises(services.NotAllowed):
            _endpoint(user, receiver.url)


def test_a_redirect_is_not_followed(
    admin_user, source, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_RETRY_DELAYS = []
    receiver.status = 302  # to /elsewhere: urllib would follow it, carrying the signed body
    _endpoint(admin_user, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        _create(source)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code) == (DeliveryStatus.FAILED, 302)
    assert [r["path"] for r in receiver.received] == ["/hook"]


def test_send_again_after_failure(admin_user, source, receiver, settings, django_capture_on_commit_callbacks):
    settings.WEBHOOKS_RETRY_DELAYS = []
    receiver.status = 500
    _endpoint(admin_user, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        _create(source)
    delivery = Delivery.objects.get()
    receiver.status = 200

    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_send_again(delivery=delivery, by=admin_user)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 1)
    assert len(receiver.received) == 2


def test_a_delivery_whose_job_was_lost_is_queued_again_after_its_lease(admin_user, receiver, settings):
    endpoint = _endpoint(admin_user, receiver.url)
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=WebhookEvent.RECOMMENDATION_CREATED, payload={}
    )
    settings.JOBS_EAGER = False  # queued on commit, which never comes: the job is as good as lost

    services._enqueue(delivery)

    delivery.refresh_from_db()
    lease = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert services.LEASE_SECONDS - 5 < lease <= services.LEASE_SECONDS
    assert services.deliveries_retry_due() == 0 and receiver.received == []
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    settings.JOBS_EAGER = True
    assert services.deliveries_retry_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.received) == 1
