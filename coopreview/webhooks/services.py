"""Writes on webhooks: endpoints (administrators only), events emitted after commit, deliveries.

A delivery is one job of the existing queue (jobs.JobKind.WEBHOOK_DELIVERY) per attempt. A failed
attempt leaves the delivery waiting with `next_attempt_at` set from WEBHOOKS_RETRY_DELAYS; the
cluster-wide minute schedule (`deliveries_retry_due`) queues the due ones again. Delivery is at
least once: a worker killed in the middle of a request may send it again, so receivers deduplicate
on the X-Coopreview-Delivery header.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.core.edits import pending_changes, unchanged
from coopreview.core.exceptions import ServiceError
from coopreview.core.history import save_with_history
from coopreview.jobs.enums import JobKind
from coopreview.jobs.services import job_enqueue
from coopreview.webhooks import signing
from coopreview.webhooks.enums import DeliveryStatus, WebhookEvent
from coopreview.webhooks.models import Delivery, Endpoint

logger = logging.getLogger(__name__)
EXCERPT = 300  # characters of an endpoint's error answer kept in the log
LEASE_SECONDS = 900  # a queued attempt not run within this time is queued again


class WebhookError(ServiceError):
    pass


class NotAllowed(WebhookError):
    pass


def _require_admin(by: User | None) -> None:
    if by is None or not by.has_perm("webhooks.manage_endpoints"):
        raise NotAllowed(_("Only administrators manage webhook endpoints."))


def check_url(url: str) -> str:
    """`url` if it is an http(s) address with a host; otherwise WebhookError naming the problem."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise WebhookError(
            _("URL: only http:// and https:// addresses can receive webhooks (not “%(url)s”).")
            % {"url": url[:100]}
        )
    if not parts.hostname:
        raise WebhookError(_("URL: “%(url)s” names no host.") % {"url": url[:100]})
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    if (literal is not None and _internal(literal)) or parts.hostname.lower() == "localhost":
        _refuse_internal(url)
    return url


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _refuse_internal(url: str) -> None:
    raise WebhookError(
        _(
            "URL: “%(url)s” is on a loopback, private or reserved address; webhooks are sent to public "
            "addresses only (WEBHOOKS_ALLOW_PRIVATE_ADDRESSES allows others)."
        )
        % {"url": url[:100]}
    )


def check_resolved(url: str) -> None:
    """At send time, every address the host resolves to must be public (check_url cannot know what a
    name resolves to, and it may change after the endpoint was saved)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        message = _("URL: the host of “%(url)s” could not be resolved.") % {"url": url[:100]}
        raise WebhookError(message) from exc
    if any(_internal(ipaddress.ip_address(info[4][0].split("%")[0])) for info in infos):
        _refuse_internal(url)


def _check_events(events: Iterable[str]) -> list[str]:
    events = list(dict.fromkeys(events))
    unknown = [e for e in events if e not in WebhookEvent.values]
    if unknown:
        raise WebhookError(_("Events: unknown event %(e)s.") % {"e": ", ".join(unknown)})
    if not events:
        raise WebhookError(_("Events: choose at least one event."))
    return events


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def endpoint_create(
    *, by: User, url: str, events: Iterable[str], description: str = "", active: bool = True
) -> Endpoint:
    """Register an endpoint owned by `by` (an administrator), with a fresh signing secret."""
    _require_admin(by)
    endpoint = Endpoint(url=check_url(url), events=_check_events(events), description=description.strip(),
                        active=active, owner=by, secret=new_secret())  # fmt: skip
    endpoint.full_clean()
    return save_with_history(endpoint, by=by, reason=_("Endpoint registered"))


@transaction.atomic
def endpoint_update(*, endpoint: Endpoint, by: User, reason: str = "", **data: Any) -> Endpoint:
    """Change an endpoint's url, events, description or active flag (disable = active False)."""
    _require_admin(by)
    unknown = set(data) - {"url", "events", "description", "active"}
    if unknown:
        raise WebhookError(
            _("These fields cannot be edited here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    if "url" in data:
        data["url"] = check_url(data["url"])
    if "events" in data:
        data["events"] = _check_events(data["events"])
    current = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not pending_changes(current, data):  # the form posted back as it was: no history
        return unchanged(current)
    for name, value in data.items():
        setattr(current, name, value)
    current.full_clean()
    return save_with_history(current, by=by, reason=reason or _("Endpoint changed"))


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, by: User) -> Endpoint:
    """A new signing secret; deliveries from now on are signed with it."""
    _require_admin(by)
    current = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    current.secret = new_secret()
    return save_with_history(current, by=by, reason=_("Signing secret replaced"))


# ---------------------------------------------------------------- events


def event_emit(*, event: str, data: dict[str, Any]) -> None:
    """Announce `event` with `data` to the endpoints subscribed to it, once the current transaction
    commits (never if it rolls back). A failure here is logged and never undoes the user's change."""
    if event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    transaction.on_commit(partial(_deliver_event, event, data), robust=True)


def _deliver_event(event: str, data: dict[str, Any]) -> None:
    endpoints = [e for e in Endpoint.objects.filter(active=True) if event in e.events]
    for endpoint in endpoints:
        uid = uuid.uuid4()
        payload = {"id": str(uid), "event": event, "created_at": timezone.now().isoformat(), "data": data}
        delivery = Delivery.objects.create(uid=uid, endpoint=endpoint, event=event, payload=payload)
        _enqueue(delivery)


def _enqueue(delivery: Delivery) -> None:
    """Queue one attempt. Until it runs, next_attempt_at is a lease: should the queue lose the job, the
    retry schedule queues the delivery again once the lease has run out."""
    lease = timezone.now() + timedelta(seconds=LEASE_SECONDS)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=lease)
    title = _("Webhook %(event)s to %(url)s") % {"event": delivery.event, "url": delivery.endpoint.url}
    job_enqueue(kind=JobKind.WEBHOOK_DELIVERY, owner=None, params={"delivery": delivery.pk}, title=title)


# ---------------------------------------------------------------- deliveries


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: the delivery fails (and the body, with its
    signature, is never sent on to an address nobody registered)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def _post(endpoint: Endpoint, delivery: Delivery) -> tuple[int | None, str]:
    """POST the delivery once. (HTTP status or None, error text or "")."""
    body = body_of(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "coopreview-webhooks/1",
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.uid),
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.sign(secret=endpoint.secret, timestamp=timestamp, body=body),
    }
    try:
        check_resolved(check_url(endpoint.url))
    except WebhookError as exc:
        return None, str(exc)
    # check_url: http(s) only, so S310's file: and custom schemes cannot reach urlopen.
    request = urllib.request.Request(endpoint.url.strip(), data=body, headers=headers, method="POST")  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=settings.WEBHOOKS_TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        excerpt = exc.read(EXCERPT).decode("utf-8", "replace") if exc.fp else ""
        return exc.code, f"HTTP {exc.code} {exc.reason}. {excerpt}".strip()[:1000]
    except urllib.error.URLError as exc:
        return None, str(exc.reason)[:1000]
    except (OSError, http.client.HTTPException, ValueError) as exc:  # timeouts, resets, bad answers
        return None, (str(exc) or exc.__class__.__name__)[:1000]


def _refusal(endpoint: Endpoint) -> str:
    """Why nothing may be sent to `endpoint` now, or "": the payload is what its owner may see, so an
    owner who is no longer an administrator receives nothing."""
    if not endpoint.active:
        return _("The endpoint is disabled.")
    if not (endpoint.owner.is_active and endpoint.owner.has_perm("webhooks.manage_endpoints")):
        return _("The endpoint's owner is no longer an administrator.")
    try:
        check_url(endpoint.url)
    except WebhookError as exc:
        return str(exc)
    return ""


def max_attempts() -> int:
    return 1 + len(settings.WEBHOOKS_RETRY_DELAYS)


def delivery_attempt(*, delivery_id: int) -> Delivery | None:
    """Send a waiting delivery once and record the outcome: delivered (2xx), waiting for its next
    attempt, or failed after the last one. No transaction around the request: a slow endpoint must not
    hold a database lock. None if the delivery no longer exists (its endpoint was deleted)."""
    delivery = Delivery.objects.select_related("endpoint__owner").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return delivery
    endpoint = delivery.endpoint
    now = timezone.now()
    refusal = _refusal(endpoint)
    if refusal:
        code, error = None, refusal
    else:
        code, error = _post(endpoint, delivery)
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.response_code = code
    if not error and code is not None and 200 <= code < 300:
        delivery.status, delivery.error, delivery.delivered_at = DeliveryStatus.SUCCEEDED, "", now
        delivery.next_attempt_at = None
    elif refusal or delivery.attempts >= max_attempts():
        delivery.status, delivery.error, delivery.next_attempt_at = DeliveryStatus.FAILED, error, None
    else:
        wait = settings.WEBHOOKS_RETRY_DELAYS[delivery.attempts - 1]
        delivery.error, delivery.next_attempt_at = error, now + timedelta(seconds=wait)
    delivery.save(update_fields=["attempts", "last_attempt_at", "response_code", "status", "error",
                                 "delivered_at", "next_attempt_at"])  # fmt: skip
    if delivery.status == DeliveryStatus.FAILED:
        logger.warning("webhook delivery %s to %s failed: %s", delivery.pk, endpoint.url, error)
    return delivery


def deliveries_retry_due() -> int:
    """Queue again every waiting delivery whose next attempt (or lease) is due: the minute schedule
    calls this. Each is taken by one conditional UPDATE, so two schedulers never queue it twice."""
    now = timezone.now()
    count = 0
    for pk in list(Delivery.objects.due(now=now).values_list("pk", flat=True)[:1000]):
        taken_until = now + timedelta(seconds=LEASE_SECONDS)
        if Delivery.objects.due(now=now).filter(pk=pk).update(next_attempt_at=taken_until):
            _enqueue(Delivery.objects.select_related("endpoint").get(pk=pk))
            count += 1
    return count


def delivery_send_again(*, delivery: Delivery, by: User) -> Delivery:
    """An administrator sends a failed delivery again, with a fresh count of attempts."""
    _require_admin(by)
    if delivery.status != DeliveryStatus.FAILED:
        raise WebhookError(_("Only a failed delivery can be sent again."))
    taken = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None
    )
    if taken:
        transaction.on_commit(
            lambda: _enqueue(Delivery.objects.select_related("endpoint").get(pk=delivery.pk))
        )
    delivery.refresh_from_db()
    return delivery
