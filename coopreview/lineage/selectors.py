"""Reads: links, suggestions, duplicate groups and the implementation review of an older set.

Everything starts from `recommendations_visible_to(user=…)`: a link, a suggestion or a group member
the user may not see is never returned, counted or scored against.
"""

import csv
import io
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from coopreview.accounts.display import user_display_name
from coopreview.accounts.selectors import AnyUser
from coopreview.core.exceptions import ServiceError
from coopreview.core.spreadsheet_safe import csv_dict
from coopreview.followup.enums import Status, UpdateState
from coopreview.followup.models import Action
from coopreview.followup.selectors import (
    actions_visible_to,
    overall_status,
    parts_readable,
    updates_visible_to,
)
from coopreview.lineage.enums import REPEATS, LinkType
from coopreview.lineage.models import DuplicateGroup, DuplicateGroupMember, Link, RejectedPair
from coopreview.lineage.similarity import (
    DEFAULT_METHOD,
    Item,
    MethodUnavailable,
    Ranker,
    UnknownMethod,
    make_ranker,
)
from coopreview.recommendations.models import Recommendation, Source
from coopreview.recommendations.selectors import recommendations_visible_to, sources_visible_to


class LineageError(ServiceError):
    pass


def source_resolve(*, user: AnyUser, value: str | int) -> Source:
    """A source by symbol or id, among those the user may see; LineageError names the value."""
    visible = sources_visible_to(user=user)
    text = str(value).strip()
    found = visible.filter(symbol=text).first()
    if found is None and text.isdigit():
        found = visible.filter(pk=int(text)).first()
    if found is None:
        raise LineageError(
            _("Unknown source: %(value)s (give a document symbol or an id).") % {"value": text}
        )
    return found


def _linked_visible(user: AnyUser) -> QuerySet[Link]:
    """Links whose ends the user may all see (an action: all its recommendations)."""
    visible = recommendations_visible_to(user=user)
    to_visible = Exists(visible.filter(pk=OuterRef("to_recommendation_id")))
    action_visible = Exists(actions_visible_to(user=user).filter(pk=OuterRef("action_id")))
    return (
        Link.objects.filter(
            Exists(visible.filter(pk=OuterRef("from_recommendation_id"))),
            to_visible | action_visible,
        )
        .select_related("from_recommendation__source", "to_recommendation__source", "action", "confirmed_by")
        .prefetch_related("confirmed_by__memberships__organisation")
    )


def link_list(
    *,
    user: AnyUser,
    link_type: str = "",
    source: Source | None = None,
    recommendation: Recommendation | None = None,
) -> QuerySet[Link]:
    """Links whose two ends the user may see, optionally of one type, touching one source or record."""
    qs = _linked_visible(user)
    if link_type:
        qs = qs.filter(link_type=link_type)
    if source is not None:
        qs = qs.filter(Q(from_recommendation__source=source) | Q(to_recommendation__source=source))
    if recommendation is not None:
        qs = qs.filter(Q(from_recommendation=recommendation) | Q(to_recommendation=recommendation))
    return qs.order_by("from_recommendation__source__symbol", "from_recommendation__reference_sort", "id")


EXPORT_FIELDS = [
    "from_id",
    "from_source",
    "from_reference",
    "link_type",
    "to_id",
    "to_source",
    "to_reference",
    "action_id",
    "action_title",
    "reason",
    "origin",
    "score",
    "confirmed_by",
    "confirmed_at",
]


def link_rows_csv(rows: list[dict]) -> str:
    """`link_rows` as CSV, values that a spreadsheet would run as formulas written as text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    writer.writerows(csv_dict(row) for row in rows)
    return out.getvalue()


def link_rows(links) -> list[dict]:
    """Links as flat rows for CSV/JSON export (the import reads the same columns)."""
    return [
        {
            "from_id": link.from_recommendation_id,
            "from_source": link.from_recommendation.source.symbol,
            "from_reference": link.from_recommendation.reference,
            "link_type": link.link_type,
            "to_id": link.to_recommendation_id or "",
            "to_source": link.to_recommendation.source.symbol if link.to_recommendation_id else "",
            "to_reference": link.to_recommendation.reference if link.to_recommendation_id else "",
            "action_id": link.action_id or "",
            "action_title": link.action.title if link.action_id else "",
            "reason": link.reason,
            "origin": link.origin,
            "score": link.score if link.score is not None else "",
            "confirmed_by": user_display_name(link.confirmed_by) if link.confirmed_by else "",
            "confirmed_at": link.confirmed_at.isoformat(),
        }
        for link in links
    ]


@dataclass(frozen=True)
class LinkView:
    """A link seen from one record: "this record <verb> other" (other: a recommendation or an action)."""

    link: Link
    other: object
    label: str

    @property
    def is_action(self) -> bool:
        return self.link.action_id is not None and self.link.to_recommendation_id is None


def links_of(*, user: AnyUser, recommendation: Recommendation) -> list[LinkView]:
    views = []
    for link in link_list(user=user, recommendation=recommendation):
        if link.action_id:
            views.append(LinkView(link, link.action, link.get_link_type_display()))
        elif link.from_recommendation_id == recommendation.pk:
            views.append(LinkView(link, link.to_recommendation, link.get_link_type_display()))
        else:
            views.append(LinkView(link, link.from_recommendation, INVERSE_LABELS[link.link_type]()))
    return views


INVERSE_LABELS = {
    LinkType.DUPLICATES: lambda: _("duplicates"),
    LinkType.OVERLAPS: lambda: _("partially overlaps"),
    LinkType.BUILDS_ON: lambda: _("is built on by"),
    LinkType.SUPERSEDES: lambda: _("is superseded by"),
    LinkType.IMPLEMENTED_BY: lambda: _("implements"),
}


@dataclass(frozen=True)
class Suggestion:
    query: Recommendation
    candidate: Recommendation
    score: float
    same_party: bool


def _items(recommendations) -> list[Item]:
    return [Item(r.pk, r.text, frozenset(str(a.pk) for a in r.addressees.all())) for r in recommendations]


def _with_addressees(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return qs.select_related("source").prefetch_related("addressees").order_by("source_id", "reference_sort")


def excluded_pairs(ids: set[int]) -> set[tuple[int, int]]:
    """Pairs never to suggest among `ids`: already linked or rejected."""
    pairs = set(
        Link.objects.filter(Q(from_recommendation_id__in=ids) | Q(to_recommendation_id__in=ids)).values_list(
            "from_recommendation_id", "to_recommendation_id"
        )
    )
    pairs |= set(
        RejectedPair.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids)).values_list(
            "first_id", "second_id"
        )
    )
    return pairs


_FITTED: OrderedDict[tuple, Ranker] = OrderedDict()
_FITTED_SIZE = 4


def _fitted(ranker: Ranker, *, method: str, widen: bool, candidates: list[Recommendation]) -> Ranker:
    """The ranker fitted on `candidates`, reused while they are unchanged (same ids, texts,
    addressees and update times): reviewing a set asks the same candidates again and again."""
    fingerprint = hash(
        tuple(
            (r.pk, r.updated_at, r.text, tuple(sorted(a.pk for a in r.addressees.all()))) for r in candidates
        )
    )
    key = (method, widen, fingerprint)
    if key in _FITTED:
        _FITTED.move_to_end(key)
        return _FITTED[key]
    ranker.fit(_items(candidates))
    _FITTED[key] = ranker
    while len(_FITTED) > _FITTED_SIZE:
        _FITTED.popitem(last=False)
    return ranker


def suggestions(
    *,
    user: AnyUser,
    queries: QuerySet[Recommendation],
    target: Source | None = None,
    method: str = DEFAULT_METHOD,
    top: int = 5,
    widen: bool = False,
    same_source: bool = False,
    notes: list[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Suggestion]:
    """For each visible query, the `top` most related visible candidates of `target` (or of every
    other source when None; of every source, the queries' own included, when `same_source`), same
    addressee first unless `widen`; never linked or rejected pairs. Best score first.
    Raises LineageError for an unknown method; a method that is not installed falls back to the
    default, and says so in `notes`."""
    try:
        ranker = make_ranker(method, widen=widen)
    except UnknownMethod:
        raise LineageError(
            _("Unknown method: %(method)s (choose tfidf, tfidf-plain or embeddings).") % {"method": method}
        ) from None
    except MethodUnavailable as exc:
        if notes is not None:
            notes.append(
                _("The %(method)s method is unavailable (%(why)s); suggestions use %(default)s instead.")
                % {"method": method, "why": exc, "default": DEFAULT_METHOD}
            )
        method = DEFAULT_METHOD
        ranker = make_ranker(method, widen=widen)
    visible = recommendations_visible_to(user=user)
    query_list = list(_with_addressees(visible.filter(pk__in=queries.values("pk"))))
    if not query_list:
        return []
    if target is not None:
        pool = visible.filter(source=target)
    elif same_source:  # "find related" from one recommendation: its neighbours in its own report count too
        pool = visible
    else:
        pool = visible.exclude(source__in={q.source_id for q in query_list})
    candidates = list(_with_addressees(pool))
    by_id = {r.pk: r for r in [*query_list, *candidates]}
    if progress:
        progress(0, 2, _("Fitting the model on %(n)s recommendations") % {"n": len(candidates)})
    ranker = _fitted(ranker, method=method, widen=widen, candidates=candidates)
    exclude = excluded_pairs({q.pk for q in query_list})
    if progress:
        progress(1, 2, _("Ranking %(n)s recommendations") % {"n": len(query_list)})
    found = []
    for matches in ranker.rank(_items(query_list), top=top, exclude=exclude):
        for m in matches:
            found.append(Suggestion(by_id[m.query_id], by_id[m.candidate_id], m.score, m.same_party))
    # Best score first, but same addressee first unless widened (the ranker's boost, which `score`
    # no longer carries): a plain sort by score would put a better-worded ask to another State
    # before the only one to the same State. Stable: equal keys keep the ranker's order.
    found.sort(key=lambda s: (s.same_party and not widen, s.score), reverse=True)
    return found


def duplicate_groups(*, user: AnyUser, source: Source) -> list[DuplicateGroup]:
    """Groups of `source` with their visible members; groups left with no visible member are hidden,
    and a representative the user may not see is replaced by the first visible member."""
    visible = recommendations_visible_to(user=user)
    members = DuplicateGroupMember.objects.filter(recommendation__in=visible).select_related("recommendation")
    groups = (
        DuplicateGroup.objects.filter(source=source)
        .filter(Exists(members.filter(group=OuterRef("pk"))))
        .select_related("representative", "source")
        .prefetch_related(Prefetch("members", queryset=members, to_attr="visible_members"))
    )
    result = []
    visible_ids = set(visible.filter(source=source).values_list("pk", flat=True))
    for group in groups:
        if group.representative_id not in visible_ids:
            group.shown_representative = group.visible_members[0].recommendation
        else:
            group.shown_representative = group.representative
        result.append(group)
    return result


@dataclass
class ReviewRow:
    """One recommendation of an older set: where it stands and who asks it again."""

    recommendation: Recommendation
    status: str
    evidence: list[str] = field(default_factory=list)
    repeated_by: list[tuple[Recommendation, str, float | None]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status not in ("implemented", "not_pursued")

    @property
    def open_and_repeated(self) -> bool:
        return self.is_open and bool(self.repeated_by)

    @property
    def status_label(self) -> str:
        """The follow-up's own status name when it has one ("In progress"), else open/implemented."""
        if self.status == "open":
            return _("open")
        return str(Status(self.status).label) if self.status in Status.values else self.status


def _followup_status(*, user: AnyUser, recommendation_ids: list[int]) -> dict[int, tuple[str, list[str]]]:
    """Overall follow-up status (the least advanced part) and evidence (the actions the user may
    see, with their progress, and their latest published update) per recommendation."""
    statuses: dict[int, list[str]] = defaultdict(list)
    # Parts confidential to another organ count for nothing here: their status is theirs alone.
    readable = parts_readable(user=user).filter(recommendation_id__in=recommendation_ids)
    for rec_id, status in readable.values_list("recommendation_id", "status"):
        statuses[rec_id].append(status)
    evidence: dict[int, list[str]] = defaultdict(list)
    through = Action.recommendations.through
    actions = actions_visible_to(user=user).filter(
        Exists(through.objects.filter(action_id=OuterRef("pk"), recommendation_id__in=recommendation_ids))
    )
    updates = updates_visible_to(user=user).filter(state=UpdateState.PUBLISHED).order_by("-created_at")
    for action in actions.prefetch_related(
        "recommendations", Prefetch("updates", queryset=updates, to_attr="published")
    ):
        line = _("Action “%(title)s”: %(progress)s %%") % {"title": action.title, "progress": action.progress}
        if action.published:
            line += " — " + action.published[0].text[:200]
        for rec in action.recommendations.all():
            if rec.pk in recommendation_ids:
                evidence[rec.pk].append(line)
    result: dict[int, tuple[str, list[str]]] = {}
    for rec_id in set(statuses) | set(evidence):
        overall = overall_status(statuses.get(rec_id, []))
        result[rec_id] = (overall or "", evidence.get(rec_id, []))
    return result


def implementation_review(
    *, user: AnyUser, source: Source, suggest: bool = True, min_score: float = 0.35
) -> list[ReviewRow]:
    """Per recommendation of `source` the user may see: status ("implemented" when an
    "is implemented by" link or the response says so, else "open"), evidence, and the newer
    visible recommendations that repeat it — confirmed links first, then strong suggestions."""
    records = list(_with_addressees(recommendations_visible_to(user=user).filter(source=source)))
    ids = [r.pk for r in records]
    followup = _followup_status(user=user, recommendation_ids=ids)
    links = defaultdict(list)
    for link in _linked_visible(user).filter(
        Q(from_recommendation_id__in=ids) | Q(to_recommendation_id__in=ids)
    ):
        links[link.from_recommendation_id].append((link, link.to_recommendation))
        links[link.to_recommendation_id].append((link, link.from_recommendation))
    newer = Q(source__date__gt=source.date) if source.date else ~Q(source=source)
    suggested: dict[int, list[Suggestion]] = defaultdict(list)
    if suggest and records:
        for s in _newer_suggestions(user=user, source=source, newer=newer):
            if s.score >= min_score:
                suggested[s.query.pk].append(s)
    rows = []
    for rec in records:
        row = ReviewRow(recommendation=rec, status="open")
        if rec.response == "implemented":
            row.status = "implemented"
            row.evidence.append(_("Response: already implemented"))
        seen = set()
        for link, other in links[rec.pk]:
            if link.action_id and link.from_recommendation_id == rec.pk:
                row.status = "implemented"
                row.evidence.append(_("Implemented by action “%(title)s”") % {"title": link.action.title})
            elif link.link_type == LinkType.IMPLEMENTED_BY and link.from_recommendation_id == rec.pk:
                row.status = "implemented"
                row.evidence.append(_("Implemented by %(other)s") % {"other": other})
            elif link.link_type in REPEATS and _is_newer(other, source):
                row.repeated_by.append((other, link.get_link_type_display(), None))
                seen.add(other.pk)
        if rec.pk in followup:
            status, evidence = followup[rec.pk]
            if status and row.status != "implemented":
                row.status = status
            row.evidence.extend(evidence)
        for s in suggested[rec.pk]:
            if s.candidate.pk not in seen:
                row.repeated_by.append((s.candidate, _("suggested"), s.score))
        rows.append(row)
    return rows


def _is_newer(other: Recommendation, source: Source) -> bool:
    if source.date and other.source.date:
        return other.source.date > source.date
    return other.source_id != source.pk


def _newer_suggestions(*, user: AnyUser, source: Source, newer: Q) -> list[Suggestion]:
    visible = recommendations_visible_to(user=user)
    queries = visible.filter(source=source)
    pool_sources = sources_visible_to(user=user).filter(pk__in=visible.filter(newer).values("source_id"))
    found = []
    for target in pool_sources:
        found.extend(suggestions(user=user, queries=queries, target=target, top=3))
    return found
