"""Reads of the follow-up. Every list is filtered in the query by the visibility of its recommendations.

Public API used by other apps (reports, meetings): overall_status, parts_visible_to, actions_visible_to,
updates_visible_to, recommendation_followup, disagreement_q, recommendations_where_disagree,
progress_rollup, parts_as_of, status_counts_as_of, changes_between, my_items, timeline_rows.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from coopreview.accounts.enums import Role
from coopreview.accounts.layers import PastLayers
from coopreview.accounts.selectors import AnyUser, user_is_editor, user_organisation_ids
from coopreview.followup.enums import STATUS_ORDER, Status, UpdateState
from coopreview.followup.models import (
    Action,
    Categorisation,
    FollowupPart,
    ProgressUpdate,
    StakeholderView,
    Transition,
)
from coopreview.followup.rules import court_scope, lead_scope
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import recommendations_visible_to, visibility_q

if TYPE_CHECKING:
    from coopreview.followup.changes import ChangeList


def _rec_ids(recommendations) -> Any:
    """A value for `pk__in`: a queryset stays a subquery (one query however many), else a list of ids."""
    if isinstance(recommendations, QuerySet):
        return recommendations.values("pk") if recommendations.model is Recommendation else recommendations
    return [getattr(r, "pk", r) for r in recommendations]


def overall_status(statuses: Iterable[str]) -> str | None:
    """The least advanced open part decides; a recommendation is "not to be pursued" only if all parts are."""
    statuses = list(statuses)
    if not statuses:
        return None
    open_ = [s for s in statuses if s != Status.NOT_PURSUED]
    if not open_:
        return Status.NOT_PURSUED
    return min(open_, key=STATUS_ORDER.index)


def _rec_visible(user: AnyUser, prefix: str) -> Q:
    condition = visibility_q(user=user, prefix=prefix)
    return Q() if condition is None else condition


def parts_readable(*, user: AnyUser) -> QuerySet[FollowupPart]:
    """Parts without those confidential to a lead organ `user` is not a member of."""
    return FollowupPart.objects.readable(lead_scope(user))


def _hidden_part_ids(user: AnyUser) -> QuerySet:
    """Ids of the parts confidential to another organ: their history and transitions stay hidden too."""
    return FollowupPart.objects.exclude(pk__in=parts_readable(user=user).values("pk")).values("pk")


def parts_visible_to(*, user: AnyUser) -> QuerySet[FollowupPart]:
    return (
        parts_readable(user=user)
        .filter(_rec_visible(user, "recommendation__"))
        .select_related("recommendation__source", "addressee", "lead")
    )


def actions_visible_to(*, user: AnyUser) -> QuerySet[Action]:
    """Actions all of whose recommendations the user may see (an action never reveals a hidden one)."""
    qs = Action.objects.select_related("lead")
    if user_is_editor(user):
        return qs
    through = Action.recommendations.through
    hidden = through.objects.filter(action_id=OuterRef("pk")).exclude(
        recommendation__in=recommendations_visible_to(user=user)
    )
    return qs.filter(~Exists(hidden), Exists(through.objects.filter(action_id=OuterRef("pk"))))


def updates_visible_to(*, user: AnyUser) -> QuerySet[ProgressUpdate]:
    """Published updates; pending or returned ones only to their author and to editors."""
    qs = ProgressUpdate.objects.filter(action__in=actions_visible_to(user=user)).select_related(
        "author", "validated_by", "action"
    )
    if user_is_editor(user):
        return qs
    mine = Q(author=user) if user.is_authenticated else Q(pk__in=[])
    return qs.filter(Q(state=UpdateState.PUBLISHED) | mine)


@dataclass
class RecommendationFollowup:
    recommendation: Recommendation
    categorisation: Categorisation | None
    views: list[StakeholderView]
    parts: list[FollowupPart]
    actions: list[Action]
    transitions: list[Transition]
    overall: str | None
    progress: int | None
    disagreement: bool


def recommendation_followup(*, user: AnyUser, recommendation: Recommendation) -> RecommendationFollowup:
    """Everything about one (already visibility-checked) recommendation's follow-up, in fixed queries."""
    cat = Categorisation.objects.filter(recommendation=recommendation).select_related("proposed_by").first()
    views = list(
        StakeholderView.objects.filter(recommendation=recommendation).select_related(
            "organisation", "priority_flag", "author"
        )
    )
    parts = list(
        parts_readable(user=user).filter(recommendation=recommendation).select_related("addressee", "lead")
    )
    actions = list(
        actions_visible_to(user=user)
        .filter(recommendations=recommendation)
        .prefetch_related(
            Prefetch(
                "updates",
                queryset=updates_visible_to(user=user).prefetch_related("attachments"),
                to_attr="visible_updates",
            )
        )
    )
    transitions = list(
        Transition.objects.filter(part__recommendation=recommendation)
        .exclude(part__in=_hidden_part_ids(user))
        .select_related("by", "part__addressee")
        .prefetch_related("by__memberships__organisation")[:50]
    )
    if transitions:  # the rule of that time AND of now: none made while the user could not open it
        readable = PastLayers.load(
            user=user, model=Recommendation, ids=[recommendation.pk], until=max(t.at for t in transitions)
        )
        transitions = [t for t in transitions if readable.open_at(recommendation.pk, t.at)]
    progress = round(sum(a.progress for a in actions) / len(actions)) if actions else None
    reference = cat.category if cat else None
    disagreement = any(v.category and reference and v.category != reference for v in views)
    return RecommendationFollowup(
        recommendation=recommendation,
        categorisation=cat,
        views=views,
        parts=parts,
        actions=actions,
        transitions=transitions,
        overall=overall_status(p.status for p in parts),
        progress=progress,
        disagreement=disagreement,
    )


def disagreement_q(prefix: str = "") -> Q:
    """Recommendations where a stakeholder's view differs from the (proposed or approved) categorisation."""
    differing = StakeholderView.objects.filter(recommendation_id=OuterRef(f"{prefix}pk")).exclude(category="")
    differing = differing.exclude(category=OuterRef(f"{prefix}categorisation__category"))
    return Q(Exists(differing)) & Q(**{f"{prefix}categorisation__isnull": False})


def recommendations_where_disagree(*, user: AnyUser) -> QuerySet[Recommendation]:
    return recommendations_visible_to(user=user).filter(disagreement_q())


def recommendation_progress(
    *, user: AnyUser, recommendations: Iterable[Recommendation] | QuerySet
) -> dict[int, int | None]:
    """Mean progress of the visible actions of each recommendation (absent/None: no action). One query."""
    through = Action.recommendations.through
    rows = through.objects.filter(
        recommendation_id__in=_rec_ids(recommendations), action__in=actions_visible_to(user=user)
    ).values_list("recommendation_id", "action__progress")
    acc: dict[int, list[int]] = defaultdict(list)
    for rec_id, progress in rows:
        acc[rec_id].append(progress)
    return {i: round(sum(v) / len(v)) for i, v in acc.items()}


def clusters_of(*, recommendations: Iterable[Recommendation] | QuerySet) -> dict[int, str]:
    """The cluster (outermost section) title of each recommendation that has a section. Two queries."""
    from coopreview.recommendations.models import Section

    rows = list(
        Recommendation.objects.filter(pk__in=_rec_ids(recommendations), section__isnull=False).values_list(
            "pk", "section_id", "section__parent_id", "section__parent__parent_id"
        )
    )
    outer = {pk: grand or parent or own for pk, own, parent, grand in rows}
    # a tree deeper than three levels: walk up the few sections that still have a parent
    sections = {s.pk: s for s in Section.objects.filter(pk__in=set(outer.values()))}
    titles = {}
    for pk, section_id in outer.items():
        section = sections[section_id]
        titles[pk] = (section.path[0] if section.parent_id else section).display_title
    return titles


def parts_current(
    *, user: AnyUser, recommendations: Iterable[Recommendation] | QuerySet
) -> list["PartSnapshot"]:
    """Today's parts of `recommendations` as light snapshots (same shape as parts_as_of). One query."""
    now = timezone.now()
    # plain rows, not model instances: the dashboard reads every visible part
    rows = (
        parts_readable(user=user)
        .filter(recommendation__in=_rec_ids(recommendations))
        .order_by("recommendation_id", "side", "id")
        .values(*SNAPSHOT_FIELDS)
    )
    return [PartSnapshot(**row, narrative="", as_of=now) for row in rows]


@dataclass
class Rollup:
    label: str
    count: int = 0
    progress: int = 0  # mean over recommendations; those without actions count as 0, implemented as 100


def progress_rollup(
    *, user: AnyUser, recommendations: QuerySet[Recommendation] | None = None
) -> dict[str, Any]:
    """Progress rolled up action → recommendation → cluster → source, in a fixed number of queries.

    A recommendation's progress is the mean of its actions' (0 if none), 100 once every open part is
    implemented; recommendations not to be pursued are left out of the means."""
    scope = recommendations if recommendations is not None else recommendations_visible_to(user=user)
    ids = _rec_ids(scope)
    recs = list(Recommendation.objects.filter(pk__in=ids).values_list("pk", "source__symbol"))
    statuses: dict[int, list[str]] = defaultdict(list)
    for rec_id, status in (
        parts_readable(user=user).filter(recommendation__in=ids).values_list("recommendation_id", "status")
    ):
        statuses[rec_id].append(status)
    by_action = recommendation_progress(user=user, recommendations=scope)
    cluster_titles = clusters_of(recommendations=scope)
    per_rec: dict[int, int] = {}
    clusters: dict[str, list[int]] = defaultdict(list)
    sources: dict[str, list[int]] = defaultdict(list)
    for pk, symbol in recs:
        status = overall_status(statuses[pk])
        if status == Status.NOT_PURSUED:
            continue
        value = 100 if status == Status.IMPLEMENTED else (by_action.get(pk) or 0)
        per_rec[pk] = value
        clusters[cluster_titles.get(pk, "—")].append(value)
        sources[symbol].append(value)

    def mean(values: list[int]) -> int:
        return round(sum(values) / len(values)) if values else 0

    return {
        "recommendations": per_rec,
        "clusters": [Rollup(label=k, count=len(v), progress=mean(v)) for k, v in clusters.items()],
        "sources": [Rollup(label=k, count=len(v), progress=mean(v)) for k, v in sources.items()],
    }


# ---------------------------------------------------------------- "as of" and "what changed"


# The columns a PartSnapshot reads off a part or a part's history row, as named by values().
SNAPSHOT_FIELDS = (
    "id", "recommendation_id", "addressee_id", "side", "status", "assessment", "budgetary", "lead_id"
)  # fmt: skip


@dataclass
class PartSnapshot:
    """A part as it stood at a date (from its history)."""

    id: int
    recommendation_id: int
    addressee_id: int
    side: str
    status: str
    assessment: str
    budgetary: str
    narrative: str
    lead_id: int | None
    as_of: datetime

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


def end_of_day(when: date | datetime) -> datetime:
    if isinstance(when, datetime):
        return when if timezone.is_aware(when) else timezone.make_aware(when)
    return timezone.make_aware(datetime.combine(when, datetime.max.time()))


def parts_as_of(
    *, user: AnyUser, when: date | datetime, recommendations: Iterable[Recommendation] | None = None
) -> list[PartSnapshot]:
    """Each visible part's state at `when` (a date means the end of that day). Parts that did not exist
    yet are absent. One query."""
    moment = end_of_day(when)
    history = FollowupPart.history.model
    latest = (
        history.objects.filter(id=OuterRef("id"), history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    qs = (
        history.objects.filter(history_date__lte=moment, history_id=Subquery(latest))
        .exclude(history_type="-")
        .exclude(id__in=_hidden_part_ids(user))
    )
    visible = recommendations_visible_to(user=user)
    if recommendations is not None:
        visible = visible.filter(pk__in=_rec_ids(recommendations))
    qs = list(
        qs.filter(recommendation_id__in=visible.values("pk")).order_by("recommendation_id", "side", "id")
    )
    # the rule of that time AND of now: nothing of a recommendation the user could not open at `moment`
    readable = PastLayers.load(
        user=user, model=Recommendation, ids={r.recommendation_id for r in qs}, until=moment
    )
    qs = [r for r in qs if readable.open_at(r.recommendation_id, moment)]
    return [
        PartSnapshot(
            id=r.id,
            recommendation_id=r.recommendation_id,
            addressee_id=r.addressee_id,
            side=r.side,
            status=r.status,
            assessment=r.assessment,
            budgetary=r.budgetary,
            narrative=r.narrative,
            lead_id=r.lead_id,
            as_of=r.history_date,
        )
        for r in qs
    ]


def status_counts_as_of(
    *,
    user: AnyUser,
    when: date | datetime | None = None,
    recommendations: Iterable[Recommendation] | None = None,
) -> dict[str, int]:
    """Number of recommendations per overall status at `when` (now if None); "" counts those without parts."""
    if when is None:
        parts = parts_visible_to(user=user)
        if recommendations is not None:
            parts = parts.filter(recommendation__in=_rec_ids(recommendations))
        rows = [(p.recommendation_id, p.status) for p in parts.only("recommendation_id", "status")]
    else:
        rows = [
            (p.recommendation_id, p.status)
            for p in parts_as_of(user=user, when=when, recommendations=recommendations)
        ]
    by_rec: dict[int, list[str]] = defaultdict(list)
    for rec_id, status in rows:
        by_rec[rec_id].append(status)
    counts = {s: 0 for s in Status.values}
    for statuses in by_rec.values():
        counts[overall_status(statuses)] += 1
    return counts


@dataclass
class Change:
    """One change in the follow-up, for "what changed" lists and reports to the Assembly."""

    when: datetime
    who: str
    kind: str  # "created", "changed", "deleted"
    what: str  # model verbose name, e.g. "follow-up part"
    label: str  # the record, e.g. "ICC-ASP/19/16 274 · Office of the Prosecutor"
    recommendation_ids: list[int]
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, old, new)
    username: str = ""  # who, as a key (reports name the organisation); never shown


def _display(model, name: str, value: Any, names: dict[Any, dict[Any, str]]) -> str:
    """`value` of field `name` as shown; `names` holds the related records' names per model and, filled
    here, each choice field's labels translated once per call of changes_between (translating them
    per row was a fifth of the page's time at 15,000 changes)."""
    if value in (None, ""):
        return "—"
    f = model._meta.get_field(name)
    if f.is_relation:
        return names.get(f.related_model, {}).get(value, str(value))
    if f.choices:
        if f not in names:
            names[f] = {key: str(label) for key, label in f.flatchoices}
        return names[f].get(value, str(value))
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("yes") if value else gettext("no")
    return str(value)


def changes_between(
    *,
    user: AnyUser,
    start: date | datetime,
    end: date | datetime,
    recommendations: Iterable[Recommendation] | None = None,
) -> "ChangeList":
    """What changed in the follow-up between `start` and `end` (dates are whole days), newest first:
    categorisations, stakeholder views, parts, actions, and progress updates the user may see. A lazy
    sequence paged in the database (followup.changes)."""
    from coopreview.followup import changes

    return changes.changes_between(user=user, start=start, end=end, recommendations=recommendations)


# ---------------------------------------------------------------- schedule


def my_items(*, user: AnyUser) -> dict[str, Any]:
    """What the user's organisations lead or must act on: open actions and open parts."""
    if not user.is_authenticated:
        return {"actions": [], "parts": []}
    orgs = set(user_organisation_ids(user)) | set(court_scope(user))
    actions = list(
        actions_visible_to(user=user)
        .filter(lead_id__in=orgs, progress__lt=100)
        .prefetch_related("recommendations__source")
    )
    part_q = Q(lead_id__in=orgs) | Q(addressee_id__in=orgs)
    from coopreview.accounts.selectors import user_has_role

    if user_has_role(user, Role.EDITOR, Role.FACILITATOR):
        part_q |= Q(side="assembly")
    parts = list(parts_visible_to(user=user).open().filter(part_q))
    return {"actions": actions, "parts": parts}


@dataclass
class TimelineRow:
    action: Action
    offset: float  # percent of the window where the bar starts
    width: float  # percent of the window the bar covers
    overdue: bool


def timeline_rows(
    *, user: AnyUser, actions: QuerySet[Action] | None = None, today: date | None = None
) -> dict[str, Any]:
    """Gantt-like rows for dated actions: each bar placed in percent of the whole window."""
    today = today or timezone.localdate()
    qs = (actions if actions is not None else actions_visible_to(user=user)).filter(
        Q(start__isnull=False) | Q(due__isnull=False)
    )
    items = list(
        qs.select_related("lead")
        .prefetch_related("recommendations__source")
        .order_by(F("due").asc(nulls_last=True))
    )
    if not items:
        return {"rows": [], "start": today, "end": today, "months": [], "today": None}
    starts = [a.start or a.due for a in items]
    ends = [a.due or a.start for a in items]
    lo, hi = min([*starts, today]), max([*ends, today])
    lo = lo.replace(day=1)
    span = max((hi - lo).days + 1, 1)
    rows = []
    for a in items:
        s, e = a.start or a.due, a.due or a.start
        rows.append(
            TimelineRow(
                action=a,
                offset=round(100 * (s - lo).days / span, 2),
                width=max(round(100 * ((e - s).days + 1) / span, 2), 0.8),
                overdue=bool(a.due and a.due < today and a.progress < 100),
            )
        )
    months = []
    cursor = lo
    while cursor <= hi:
        months.append((cursor, round(100 * (cursor - lo).days / span, 2)))
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return {
        "rows": rows,
        "start": lo,
        "end": hi,
        "months": months,
        "today": round(100 * (today - lo).days / span, 2),
    }


def actions_due(*, days: int, today: date | None = None) -> QuerySet[Action]:
    """Actions due within `days` or overdue and not finished (for reminders; no user filter: the
    recipients are the lead's own members)."""
    return Action.objects.due_within(days, today=today).filter(due__isnull=False).select_related("lead")


def leads_for(*, user: AnyUser) -> QuerySet:
    """Organisations `user` may plan actions for (their own side's), for choice lists."""
    from coopreview.accounts.models import Organisation
    from coopreview.accounts.rules import is_administrator
    from coopreview.accounts.selectors import user_has_role

    qs = Organisation.objects.exclude(kind="other").order_by("kind", "name")
    if not user.is_authenticated:
        return qs.none()
    if is_administrator(user):
        return qs
    condition = Q(pk__in=court_scope(user)) | Q(pk__in=user_organisation_ids(user, Role.STATE_FOCAL_POINT))
    if user_has_role(user, Role.EDITOR, Role.FACILITATOR):
        condition |= Q(kind__in=["assembly", "assembly_body"])
    return qs.filter(condition)


def view_organisations_for(*, user: AnyUser) -> QuerySet:
    """Organisations `user` may record a stakeholder view for."""
    from coopreview.accounts.models import Organisation
    from coopreview.accounts.rules import is_administrator
    from coopreview.accounts.selectors import user_is_member

    qs = Organisation.objects.order_by("kind", "name")
    if is_administrator(user):
        return qs
    if not user_is_member(user):
        return qs.none()
    return qs.filter(pk__in=user_organisation_ids(user))
