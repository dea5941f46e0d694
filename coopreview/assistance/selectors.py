"""Reads of requests for assistance, filtered by access in the query."""

from datetime import date, timedelta

from django.db.models import QuerySet

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import AnyUser
from coopreview.assistance import access
from coopreview.assistance.models import AssistanceRequest, Obstacle, RequestTemplate


def requests_visible_to(*, user: AnyUser) -> QuerySet[AssistanceRequest]:
    condition = access.request_visibility_q(user)
    if condition is None:
        return AssistanceRequest.objects.none()
    return AssistanceRequest.objects.filter(condition)


def request_list(
    *, user: AnyUser, status: str = "", state_id: int | None = None
) -> QuerySet[AssistanceRequest]:
    qs = requests_visible_to(user=user).select_related("requesting_organ", "requested_state")
    if status:
        qs = qs.filter(status=status)
    if state_id:
        qs = qs.filter(requested_state_id=state_id)
    return qs.order_by("-updated_at", "-pk")


def request_get(*, user: AnyUser, pk: int) -> AssistanceRequest:
    """The request if `user` may open it; DoesNotExist otherwise (views answer 404: no existence leak)."""
    return (
        requests_visible_to(user=user)
        .select_related("requesting_organ", "requested_state", "template", "created_by")
        .get(pk=pk)
    )


def request_timeline(*, request: AssistanceRequest) -> QuerySet:
    return request.steps.select_related("by")


def request_correspondence(*, request: AssistanceRequest) -> QuerySet:
    return request.correspondence.select_related("by")


def templates_for(
    *, kind: str = "", language: str = "", active_only: bool = True
) -> QuerySet[RequestTemplate]:
    qs = RequestTemplate.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if language:
        qs = qs.filter(language=language)
    return qs


def states_for_select() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.STATE).order_by("name")


def organs_of(*, user: AnyUser) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=access.organ_ids(user)).order_by("name")


def obstacles_active() -> QuerySet[Obstacle]:
    return Obstacle.objects.filter(is_active=True)


def requests_due(*, today: date, days: int) -> QuerySet[AssistanceRequest]:
    """Open requests whose deadline falls within `days` or has passed: the subject of reminders."""
    return (
        AssistanceRequest.objects.open()
        .filter(deadline__isnull=False, deadline__lte=today + timedelta(days=days))
        .select_related("requesting_organ", "requested_state")
    )
