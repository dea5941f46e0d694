"""Reads of the audit log, for administrators."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from coopreview.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    who: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None
    obj: str = ""


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching `filters`, newest first. `who` matches the user name; `obj` the object's type,
    id or description; the date range includes both ends (site time zone)."""
    qs = AuditEvent.objects.all()
    if filters.who:
        qs = qs.filter(username__icontains=filters.who)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.start:
        qs = qs.filter(created_at__gte=_day_start(filters.start))
    if filters.end:
        qs = qs.filter(created_at__lt=_day_start(filters.end + timedelta(days=1)))
    if filters.obj:
        qs = qs.filter(
            Q(object_repr__icontains=filters.obj)
            | Q(object_type__icontains=filters.obj)
            | Q(object_id=filters.obj)
        )
    return qs.order_by("-created_at", "-pk")
