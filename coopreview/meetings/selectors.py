"""Reads of meetings. Who sees a meeting, and which agenda items each person may see, is decided here."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from coopreview.accounts.enums import Role
from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import AnyUser, user_has_role, user_is_editor, user_organisation_ids
from coopreview.followup.selectors import actions_visible_to
from coopreview.meetings.models import (
    AgendaItem,
    Decision,
    DecisionChange,
    Meeting,
    Participant,
    Session,
    UserPreference,
)
from coopreview.recommendations.selectors import recommendations_visible_to, visibility_q


def user_manages_meetings(user: AnyUser) -> bool:
    """Review Mechanism editors, administrators and facilitators organise meetings."""
    return user_is_editor(user) or user_has_role(user, Role.FACILITATOR)


def _organisations_of(user: AnyUser) -> set[int]:
    """The user's organisations and their parents: an invitation to the Court reaches its organs."""
    own = set(user_organisation_ids(user))
    cached = getattr(user, "_meetings_orgs", None)
    if cached is None:
        parents = Organisation.objects.filter(pk__in=own, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
        cached = own | set(parents)
        user._meetings_orgs = cached
    return cached


def meetings_visible_to(*, user: AnyUser) -> QuerySet[Meeting]:
    """Organisers (editors, facilitators) see every meeting; others the meetings they take part in."""
    qs = Meeting.objects.all()
    if user_manages_meetings(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    orgs = _organisations_of(user)
    takes_part = Participant.objects.filter(meeting_id=OuterRef("pk")).filter(
        Q(user_id=user.pk) | Q(organisation_id__in=orgs)
    )
    organised = Meeting.organisers.through.objects.filter(meeting_id=OuterRef("pk"), organisation_id__in=orgs)
    return qs.filter(Q(Exists(takes_part)) | Q(Exists(organised)))


def meeting_list(*, user: AnyUser, now, past: bool = False) -> QuerySet[Meeting]:
    qs = meetings_visible_to(user=user)
    qs = qs.past(now) if past else qs.upcoming(now)
    return qs.prefetch_related("organisers")


def agenda_items_visible_q(*, user: AnyUser) -> Q:
    """Items all of whose recommendations, and whose follow-up action (if any), the user may see: an
    item about a hidden recommendation is left out whole, since its title may well speak of it."""
    condition = visibility_q(user=user)
    if condition is None:
        return Q()
    hidden_link = AgendaItem.recommendations.through.objects.filter(agendaitem_id=OuterRef("pk")).exclude(
        recommendation__in=recommendations_visible_to(user=user).values("pk")
    )
    action_ok = Q(action__isnull=True) | Q(action__in=actions_visible_to(user=user).values("pk"))
    return ~Q(Exists(hidden_link)) & action_ok


def _linked_recommendations(user: AnyUser) -> Prefetch:
    """The item's recommendations the user may see, as `item.linked` (the item filter already leaves out
    items with a hidden one; this keeps a hidden one off the page even if that filter is bypassed)."""
    return Prefetch(
        "recommendations",
        queryset=recommendations_visible_to(user=user)
        .select_related("source")
        .order_by("source_date", "source", "reference_sort"),
        to_attr="linked",
    )


def agenda_for(*, user: AnyUser, meeting: Meeting) -> list[AgendaItem]:
    """The agenda as `user` may see it: hidden items are left out, not masked."""
    decisions = Decision.objects.select_related("author").prefetch_related(
        Prefetch("changes", queryset=DecisionChange.objects.select_related("priority_flag", "recommendation"))
    )
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .filter(agenda_items_visible_q(user=user))
        .select_related("action")
        .prefetch_related(
            "documents", Prefetch("decisions", queryset=decisions), _linked_recommendations(user)
        )
        .order_by("position", "pk")
    )


def meeting_get(*, user: AnyUser, pk: int) -> Meeting:
    """The meeting if `user` may see it; Meeting.DoesNotExist otherwise (→ 404)."""
    return (
        meetings_visible_to(user=user)
        .prefetch_related(
            "organisers",
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("user", "organisation").prefetch_related(
                    "user__memberships__organisation"
                ),
            ),
            Prefetch(
                "sessions",
                queryset=Session.objects.prefetch_related("speakers__user", "speakers__organisation"),
            ),
        )
        .get(pk=pk)
    )


def agenda_item_get(*, user: AnyUser, pk: int) -> AgendaItem:
    """An agenda item of a meeting the user sees, if the user may see the item itself."""
    return (
        AgendaItem.objects.filter(meeting__in=meetings_visible_to(user=user))
        .filter(agenda_items_visible_q(user=user))
        .select_related("meeting")
        .prefetch_related(_linked_recommendations(user))
        .get(pk=pk)
    )


def _own_preference(user: AnyUser, name: str) -> str | None:
    """One of the user's own settings (time zone, language), read once per request; None: not chosen."""
    if not user.is_authenticated:
        return None
    cached = getattr(user, "_meetings_preference", None)
    if cached is None:
        pref = UserPreference.objects.filter(user=user).only("time_zone", "language").first()
        cached = {"time_zone": pref.time_zone, "language": pref.language} if pref else {}
        user._meetings_preference = cached
    return cached.get(name) or None


def user_time_zone(user: AnyUser) -> str | None:
    return _own_preference(user, "time_zone")


def user_language(user: AnyUser) -> str | None:
    """The language the user chose for pages after sign-in and for e-mails; None: not chosen."""
    return _own_preference(user, "language")


def feed_owner(*, token: str) -> User | None:
    if not token:
        return None
    pref = UserPreference.objects.filter(feed_token=token).select_related("user").first()
    return pref.user if pref and pref.user.is_active else None


def meetings_of(*, user: User) -> QuerySet[Meeting]:
    """The user's own meetings for their calendar feed: where they or their organisation take part."""
    orgs = _organisations_of(user)
    takes_part = Participant.objects.filter(meeting_id=OuterRef("pk")).filter(
        Q(user_id=user.pk) | Q(organisation_id__in=orgs)
    )
    return Meeting.objects.filter(Exists(takes_part)).order_by("start", "pk")


def recommendation_discussions(*, user: AnyUser, recommendation) -> list[AgendaItem]:
    """Agenda items about `recommendation` (among others) in meetings the user sees, with their decisions
    and the item's other recommendations the user may see."""
    decisions = Decision.objects.prefetch_related(
        Prefetch("changes", queryset=DecisionChange.objects.select_related("priority_flag"))
    )
    return list(
        AgendaItem.objects.filter(recommendations=recommendation, meeting__in=meetings_visible_to(user=user))
        .filter(agenda_items_visible_q(user=user))
        .select_related("meeting")
        .prefetch_related(Prefetch("decisions", queryset=decisions), _linked_recommendations(user))
        .order_by("-meeting__start", "position")
    )


ANONYMOUS = AnonymousUser()
