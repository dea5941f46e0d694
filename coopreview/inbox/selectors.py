"""Reads for a person's own pages: notifications, what awaits them, their items."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from coopreview.accounts.enums import Role
from coopreview.accounts.selectors import AnyUser, user_has_role, user_is_editor, user_organisation_ids
from coopreview.inbox.models import Notification


def notifications_for(*, user: AnyUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("actor")


def unread_count(*, user: AnyUser) -> int:
    """One indexed COUNT per page for the header's bell."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def landing_url_name(*, user: AnyUser) -> str:
    """Where a role lands after signing in: editors on their queue, people with items on "My work",
    everyone else (observers, signed-in users without a role) on the recommendation list."""
    if user_is_editor(user):
        return "inbox:queue"
    if user_has_role(user, Role.FACILITATOR, Role.COURT_FOCAL_POINT, Role.STATE_FOCAL_POINT):
        return "inbox:my-work"
    return "recommendations:list"


@dataclass
class Queue:
    updates: list = field(default_factory=list)
    proposals: list = field(default_factory=list)
    stale_count: int = 0

    @property
    def total(self) -> int:
        return len(self.updates) + len(self.proposals)


def validation_queue(*, user: AnyUser, limit: int = 200) -> Queue:
    """Progress updates and State profile changes awaiting an editor's decision, oldest first."""
    from django.utils import timezone

    from coopreview.followup.enums import UpdateState
    from coopreview.followup.selectors import updates_visible_to
    from coopreview.knowledge.selectors import proposals_pending, stale_profiles

    queue = Queue()
    if user.has_perm("followup.validate_update"):
        queue.updates = list(
            updates_visible_to(user=user)
            .filter(state=UpdateState.PENDING)
            .select_related("action__lead", "author")
            .order_by("created_at")[:limit]
        )
    if user.has_perm("knowledge.review_proposals"):
        queue.proposals = list(proposals_pending().order_by("created_at")[:limit])
        queue.stale_count = stale_profiles(today=timezone.localdate()).count()
    return queue


def awaiting_me(*, user: AnyUser) -> dict[str, Any]:
    """What awaits the user: their open items, their State's sections to verify, the editors' queue."""
    from django.utils import timezone

    from coopreview.followup.selectors import my_items
    from coopreview.knowledge.selectors import stale_profiles

    states = user_organisation_ids(user, Role.STATE_FOCAL_POINT)
    from coopreview.accounts.models import Organisation

    return {
        "items": my_items(user=user),
        "states": list(Organisation.objects.filter(pk__in=states).order_by("name")),
        "stale_sections": list(
            stale_profiles(today=timezone.localdate()).filter(state_id__in=states).order_by("state__name")
        )
        if states
        else [],
        "queue": validation_queue(user=user, limit=20) if user_is_editor(user) else None,
    }
