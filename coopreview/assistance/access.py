"""Who may open a request for assistance, as a query condition and as a test on one request.

Confidential by default: the requesting organ's focal points (drafts included), the requested State's
focal points once the request has left, and members of organisations it was explicitly shared with.
Nobody else — not editors, administrators, observers, other States or the public."""

from django.db.models import Exists, OuterRef, Q

from coopreview.accounts.enums import MEMBER_ROLES, Role
from coopreview.accounts.selectors import AnyUser, user_organisation_ids
from coopreview.assistance.enums import Status


def organ_ids(user: AnyUser) -> frozenset[int]:
    """Organs of the Court on whose behalf `user` drafts and manages requests."""
    return user_organisation_ids(user, Role.COURT_FOCAL_POINT)


def state_ids(user: AnyUser) -> frozenset[int]:
    """States whose requests `user` answers for."""
    return user_organisation_ids(user, Role.STATE_FOCAL_POINT)


def request_visibility_q(user: AnyUser) -> Q | None:
    """The condition on AssistanceRequest rows `user` may open; None: nothing at all."""
    if not user.is_authenticated:
        return None
    from coopreview.assistance.models import AssistanceRequest

    condition = Q()
    organs, states = organ_ids(user), state_ids(user)
    members_of = user_organisation_ids(user, *MEMBER_ROLES)
    if organs:
        condition |= Q(requesting_organ_id__in=organs)
    if states:
        condition |= Q(requested_state_id__in=states) & ~Q(status=Status.DRAFT)
    if members_of:
        through = AssistanceRequest.shared_with.through
        shared = through.objects.filter(assistancerequest_id=OuterRef("pk"), organisation_id__in=members_of)
        condition |= Q(Exists(shared)) & ~Q(status=Status.DRAFT)
    return condition if condition else None


def is_of_requesting_organ(user: AnyUser, request) -> bool:
    return request.requesting_organ_id in organ_ids(user)


def is_of_requested_state(user: AnyUser, request) -> bool:
    return request.status != Status.DRAFT and request.requested_state_id in state_ids(user)


def is_shared_with(user: AnyUser, request) -> bool:
    if request.status == Status.DRAFT:
        return False
    members_of = user_organisation_ids(user, *MEMBER_ROLES)
    return bool(members_of) and request.shared_with.filter(pk__in=members_of).exists()
