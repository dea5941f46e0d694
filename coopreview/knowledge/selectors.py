"""Reads of the cooperation platform. Every list is filtered by access in the query itself, with the
same rule shape as recommendations (public; States Parties and Court; restricted to named organisations)."""

from datetime import date, timedelta

from django.db.models import Count, Model, Q, QuerySet

from coopreview.accounts.enums import MEMBER_ROLES, OrganisationKind
from coopreview.accounts.layers import PastLayers, layers_q
from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import (
    AnyUser,
    user_is_editor,
    user_roles,
)
from coopreview.knowledge import conf
from coopreview.knowledge.enums import Measure, ProposalStatus
from coopreview.knowledge.models import CaseLaw, Document, Practice, ProfileChangeProposal, StateProfile

MEASURE_ORDER = {value: i for i, value in enumerate(Measure.values)}


def entry_visibility_q(*, user: AnyUser, model: type[Model], prefix: str = "") -> Q | None:
    """The access condition on `model` (a BilingualEntry) for `user`; None means no restriction."""
    return layers_q(user=user, model=model, prefix=prefix)


def _visible(model: type[Model], user: AnyUser) -> QuerySet:
    condition = entry_visibility_q(user=user, model=model)
    qs = model.objects.all()
    return qs if condition is None else qs.filter(condition)


def profiles_visible_to(*, user: AnyUser) -> QuerySet[StateProfile]:
    return _visible(StateProfile, user)


def practices_visible_to(*, user: AnyUser) -> QuerySet[Practice]:
    return _visible(Practice, user)


def case_law_visible_to(*, user: AnyUser) -> QuerySet[CaseLaw]:
    return _visible(CaseLaw, user)


def documents_visible_to(*, user: AnyUser) -> QuerySet[Document]:
    return _visible(Document, user)


def user_sees_contacts(user: AnyUser) -> bool:
    """Points of contact: signed-in users of the Court and of States (and editors), not observers."""
    if user_is_editor(user):
        return True
    court_or_state = {OrganisationKind.COURT, OrganisationKind.COURT_ORGAN, OrganisationKind.STATE}
    ids = {org for role, org in user_roles(user) if role in MEMBER_ROLES}
    return bool(ids) and Organisation.objects.filter(pk__in=ids, kind__in=court_or_state).exists()


def states_with_profiles(*, user: AnyUser) -> QuerySet[Organisation]:
    """States having at least one profile section `user` may see, with that count (never more)."""
    visible = profiles_visible_to(user=user)
    return (
        Organisation.objects.filter(kind=OrganisationKind.STATE, pk__in=visible.values("state_id"))
        .annotate(section_count=Count("cooperation_profiles", filter=Q(cooperation_profiles__in=visible)))
        .order_by("name")
    )


def state_profile_sections(*, user: AnyUser, state: Organisation) -> list[StateProfile]:
    sections = (
        profiles_visible_to(user=user)
        .filter(state=state)
        .select_related("last_verified_by", "state")
        .prefetch_related("case_law", "last_verified_by__memberships__organisation")
    )
    return sorted(sections, key=lambda p: MEASURE_ORDER.get(p.measure, 99))


def profile_get(*, user: AnyUser, pk: int) -> StateProfile:
    return profiles_visible_to(user=user).select_related("state", "last_verified_by").get(pk=pk)


def proposals_pending() -> QuerySet[ProfileChangeProposal]:
    return (
        ProfileChangeProposal.objects.filter(status=ProposalStatus.PENDING)
        .select_related("profile__state", "proposed_by")
        .prefetch_related("proposed_by__memberships__organisation")
    )


def proposals_for_profile(*, user: AnyUser, profile: StateProfile) -> list[ProfileChangeProposal]:
    """The proposals on `profile`, but none made while `user` could not open it (the rule of that time
    AND of now, as for every reader of the past)."""
    proposals = list(
        profile.proposals.select_related("proposed_by", "decided_by").prefetch_related(
            "proposed_by__memberships__organisation", "decided_by__memberships__organisation"
        )
    )
    if not proposals:
        return []
    until = max(p.created_at for p in proposals)
    readable = PastLayers.load(user=user, model=StateProfile, ids=[profile.pk], until=until)
    return [p for p in proposals if readable.open_at(profile.pk, p.created_at)]


def practice_list(*, user: AnyUser) -> QuerySet[Practice]:
    return practices_visible_to(user=user).select_related("organisation")


def practice_get(*, user: AnyUser, pk: int) -> Practice:
    return practice_list(user=user).get(pk=pk)


def case_law_list(*, user: AnyUser) -> QuerySet[CaseLaw]:
    return case_law_visible_to(user=user)


def case_law_get(*, user: AnyUser, pk: int) -> CaseLaw:
    return case_law_visible_to(user=user).get(pk=pk)


def document_get(*, user: AnyUser, pk: int) -> Document:
    return documents_visible_to(user=user).get(pk=pk)


def stale_profiles(*, today: date) -> QuerySet[StateProfile]:
    """Every profile section whose verification is older than the freshness period (or missing)."""
    cutoff = today - timedelta(days=conf.freshness_days())
    return StateProfile.objects.filter(
        Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=cutoff)
    ).select_related("state")


def linked_recommendations(*, user: AnyUser, entry) -> QuerySet:
    from coopreview.recommendations.selectors import recommendations_visible_to

    return (
        recommendations_visible_to(user=user)
        .filter(pk__in=entry.recommendations.values("pk"))
        .select_related("source")
    )


def recommendations_linkable(*, user: AnyUser) -> QuerySet:
    """The recommendations `user` may link an entry to: those they may open."""
    from coopreview.recommendations.selectors import recommendations_visible_to

    return recommendations_visible_to(user=user)
