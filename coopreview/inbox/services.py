"""Writes of notifications. Every place that e-mails someone also calls notify(), so the platform shows
the same news to people who read no e-mail."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.utils import timezone

from coopreview.inbox.models import Notification


def notify(
    *,
    recipients: Iterable[User],
    verb: str,
    target: str = "",
    url: str = "",
    actor: User | None = None,
    count: int = 1,
) -> list[Notification]:
    """One notification per distinct recipient (never the actor themself), in one INSERT."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user, verb=verb, target=target[:300], url=url[:500], actor=actor, count=count
            )
        )
    return Notification.objects.bulk_create(rows)


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones without `ids`); others' are untouched."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
