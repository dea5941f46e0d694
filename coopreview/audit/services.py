"""The one writer of the audit log, and where a request's address and browser come from."""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from coopreview.audit.models import AuditEvent

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class AuditRequestMiddleware:
    """Remembers the request being served, so services called from a view (membership changes,
    imports) record its address and browser without every signature carrying the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR: behind a proxy, configure it to set REMOTE_ADDR (X-Forwarded-For can be forged)."""
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    user: Any = None,
    username: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    detail: dict | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit event. `request` defaults to the request being served (none in the CLI)."""
    request = request or _current_request.get()
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user
    if user is not None and not user.is_authenticated:
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:300],
        detail=detail or {},
        ip=client_ip(request) if request is not None else None,
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300],
    )


def non_public_ids(recommendation_ids: Iterable[int] | QuerySet) -> list[int]:
    """Which of these recommendations (ids, or a queryset of them) are not public."""
    from coopreview.accounts.enums import Visibility
    from coopreview.recommendations.models import Recommendation

    if isinstance(recommendation_ids, QuerySet):
        hidden = recommendation_ids.order_by().exclude(visibility=Visibility.PUBLIC)
        return sorted(hidden.values_list("pk", flat=True))
    ids = list(recommendation_ids)
    found: list[int] = []
    for start in range(0, len(ids), 5000):  # a bounded number of query parameters per statement
        chunk = Recommendation.objects.filter(pk__in=ids[start : start + 5000])
        found += chunk.exclude(visibility=Visibility.PUBLIC).values_list("pk", flat=True)
    return sorted(found)


def audit_download_if_non_public(
    *,
    action: str,
    recommendation_ids: Iterable[int] | QuerySet,
    what: str,
    user: Any = None,
    detail: dict | None = None,
) -> AuditEvent | None:
    """Record a download or export when it holds any non-public recommendation; nothing otherwise."""
    hidden = non_public_ids(recommendation_ids)
    if not hidden:
        return None
    return audit_record(
        action=action,
        user=user,
        object_type="recommendations.recommendation",
        object_repr=what,
        detail={**(detail or {}), "non_public": len(hidden), "ids": hidden[:200]},
    )
