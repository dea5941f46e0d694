"""Reads of recommendations. Every list is filtered by visibility in the query itself."""

from dataclasses import dataclass, field, replace

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.layers import layers_q, may_read_version
from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import ORGANISATIONS, AnyUser, user_is_editor
from coopreview.core.history_links import link_targets, remember_links
from coopreview.core.reference import ReferenceRows
from coopreview.recommendations import search
from coopreview.recommendations.enums import SortOrder, Visibility
from coopreview.recommendations.models import (
    PriorityFlag,
    Recommendation,
    Section,
    Source,
    Theme,
    in_flag_order,
)

# Every theme and priority flag, for the edit form's check of chosen ones (core.reference); read again
# when one is saved or deleted (RecommendationsConfig.ready).
THEMES = ReferenceRows(lambda: Theme.objects.all(), "recommendations:themes:version")
FLAGS = ReferenceRows(lambda: PriorityFlag.objects.select_related("owner"), "recommendations:flags:version")
REFERENCE = {Organisation: ORGANISATIONS, Theme: THEMES, PriorityFlag: FLAGS}

SIDE_KINDS = {
    "court": [OrganisationKind.COURT, OrganisationKind.COURT_ORGAN],
    "assembly": [OrganisationKind.ASSEMBLY, OrganisationKind.ASSEMBLY_BODY],
    "state": [OrganisationKind.STATE],
}


def visibility_q(*, user: AnyUser, prefix: str = "") -> Q | None:
    """The access condition on recommendations for `user`; None means no restriction (editors)."""
    return layers_q(user=user, model=Recommendation, prefix=prefix)


def recommendations_visible_to(*, user: AnyUser) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.all()
    condition = visibility_q(user=user)
    return qs if condition is None else qs.filter(condition)


@dataclass
class RecommendationFilters:
    q: str = ""
    source: Source | None = None
    section: Section | None = None
    addressee: str = ""  # "court", "assembly", "both" or "state"
    organ: Organisation | None = None
    flag: PriorityFlag | None = None
    theme: Theme | None = None
    visibility: str = ""
    sort: str = ""
    extra: dict = field(default_factory=dict)
    # the engine's answer for `q`, asked once per request however many querysets are built from it
    _matches: dict = field(default_factory=dict, repr=False, compare=False)

    def text_matches(self, *, user: AnyUser, cap: int = search.COUNT_CAP) -> search.RecordMatches | None:
        key = (self.q, getattr(user, "pk", None), cap)
        if key not in self._matches:
            self._matches[key] = search.text_matches(query=self.q, user=user, cap=cap)
        return self._matches[key]


def _addressed_to_side(side: str) -> Exists:
    through = Recommendation.addressees.through
    return Exists(
        through.objects.filter(recommendation_id=OuterRef("pk"), organisation__kind__in=SIDE_KINDS[side])
    )


def _linked(field: str, **lookup: object) -> QuerySet:
    """Ids of the recommendations linked through the many-to-many `field` as `lookup` says."""
    through = Recommendation._meta.get_field(field).remote_field.through
    return through.objects.filter(**lookup).values("recommendation_id")


def _with_related(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return qs.select_related("source", "section__parent__parent").prefetch_related(
        Prefetch("addressees", queryset=Organisation.objects.select_related("parent")),
        Prefetch("priority_flags", queryset=PriorityFlag.objects.select_related("owner")),
        "themes",
    )


def _filtered(*, user: AnyUser, filters: RecommendationFilters, for_count: bool) -> QuerySet[Recommendation]:
    """The visible recommendations matching `filters`, unordered.

    Two shapes of the same set, because SQLite plans them differently. A page walks the order index
    and tests each row (EXISTS), stopping after a page. A count has no order to follow, so it joins
    the link rows (the theme's, flag's or organ's index) and stops at the cap, instead of testing
    every visible row. (Not IN: SQLite would first collect every link row of a common theme.)
    """
    qs = recommendations_visible_to(user=user)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.section:
        s = filters.section
        qs = qs.filter(Q(section=s) | Q(section__parent=s) | Q(section__parent__parent=s))
    if filters.addressee == "both":
        qs = qs.filter(_addressed_to_side("court"), _addressed_to_side("assembly"))
    elif filters.addressee in SIDE_KINDS:
        qs = qs.filter(_addressed_to_side(filters.addressee))
    links = [
        ("addressees", "organisation", filters.organ),
        ("priority_flags", "priorityflag", filters.flag),
        ("themes", "theme", filters.theme),
    ]
    for name, other, value in links:
        if value is None:
            continue
        if for_count:
            qs = qs.filter(**{name: value})  # one link row per recommendation: the join adds no duplicates
        else:
            qs = qs.filter(Exists(_linked(name, **{other: value}).filter(recommendation_id=OuterRef("pk"))))
    if filters.visibility:
        qs = qs.filter(visibility=filters.visibility)
    matches = filters.text_matches(user=user)
    if matches is not None:  # the engine of /search/, see recommendations/search.py
        qs = qs.filter(pk__in=search.id_in(matches.ids))
    return qs


def _sort(filters: RecommendationFilters) -> str:
    ranked = search.has_terms(filters.q)
    sort = filters.sort or (SortOrder.RELEVANCE if ranked else SortOrder.REFERENCE)
    return SortOrder.REFERENCE if sort == SortOrder.RELEVANCE and not ranked else sort


def recommendation_list(*, user: AnyUser, filters: RecommendationFilters) -> QuerySet[Recommendation]:
    """The visible recommendations matching `filters`. Ordered as asked, except by relevance: a
    queryset keeps document order then, and recommendation_ranked gives the engine's order."""
    qs = _filtered(user=user, filters=filters, for_count=False)
    sort = _sort(filters)
    ordering = {
        # source_date is source.date copied onto the row: the same order, read off rec_list_order_idx.
        SortOrder.REFERENCE: ["source_date", "source_id", "reference_sort"],
        SortOrder.REFERENCE_DESC: ["-source_date", "-source_id", "-reference_sort"],
        SortOrder.SECTION: [
            "source_id",
            "section__parent__parent__position",
            "section__parent__position",
            "section__position",
            "reference_sort",
        ],
        SortOrder.UPDATED: ["-updated_at", "-id"],
        SortOrder.RELEVANCE: ["source_date", "source_id", "reference_sort"],
    }[sort]
    return _with_related(qs.order_by(*ordering))


def recommendation_ranked(
    *, user: AnyUser, filters: RecommendationFilters, cap: int = search.COUNT_CAP
) -> search.RankedIds | None:
    """The list in the engine's order of relevance (best first) when it is sorted by relevance, else
    None. Two queries whatever the number of matches: the engine's ranked ids, kept to those the list's
    filters (visibility included) keep; rows are read a page at a time (RankedIds)."""
    if _sort(filters) != SortOrder.RELEVANCE:
        return None
    matches = filters.text_matches(user=user, cap=cap)
    # The page's rows are read by id (RankedIds), so the text filter, an IN list of up to 10,001 ids,
    # would only repeat itself there; visibility and the other filters stay in that query.
    rows = recommendation_list(user=user, filters=replace(filters, q="", sort=SortOrder.REFERENCE))
    if not _sql_filters(filters):
        # The engine applied everything asked (the words and the user's access tokens): reading every
        # match back from the database (10,001 ids at 1 M) would only repeat it.
        return search.RankedIds(ids=list(matches.ids), rows=rows, capped=matches.capped)
    kept = set(_filtered(user=user, filters=filters, for_count=True).values_list("pk", flat=True))
    ids = [pk for pk in matches.ids if pk in kept]
    return search.RankedIds(ids=ids, rows=rows, capped=matches.capped)


def _sql_filters(filters: RecommendationFilters) -> bool:
    """Whether `filters` hold anything besides the words and the order, which only SQL applies."""
    return bool(
        filters.source
        or filters.section
        or filters.addressee
        or filters.organ
        or filters.flag
        or filters.theme
        or filters.visibility
    )


def _page_links(ids, relation: str, target: str) -> QuerySet:
    """The link rows of `relation` for these recommendation ids, in their target's own order."""
    field = Recommendation._meta.get_field(relation)
    ordering = [f"{target}__{f}" for f in field.related_model._meta.ordering]
    return field.remote_field.through.objects.filter(recommendation_id__in=ids).order_by(*ordering, "id")


def with_links(recommendations: list[Recommendation]) -> list[Recommendation]:
    """A page of recommendations with their addressees and priority flags as plain lists,
    `rec.addressee_list` and `rec.flag_list`: two queries for the page, of id pairs only (in the
    targets' own order); the organisations and flags are the per-process copies (core.reference).
    prefetch_related would build a queryset (a clone and a filter) for each row and relation, a fifth of
    the list page's time; reading the joined rows as models cost 3-5 ms a page."""
    by_id = {rec.pk: rec for rec in recommendations}
    for rec in recommendations:
        rec.addressee_list, rec.flag_list = [], []
    for relation, target, rows, attribute in (
        ("addressees", "organisation", ORGANISATIONS, "addressee_list"),
        ("priority_flags", "priorityflag", FLAGS, "flag_list"),
    ):
        pairs = list(_page_links(by_id, relation, target).values_list("recommendation_id", f"{target}_id"))
        found = rows.get({pk for _rec, pk in pairs})
        for rec_id, pk in pairs:
            if pk in found:  # else deleted since the pairs were read
                getattr(by_id[rec_id], attribute).append(found[pk])
    return recommendations


# What a list page shows of each row (recommendations' templatetags.recommendation_rows and the
# clusters of the grouped view): the other columns (dates, the response, the source) cost their reading
# and conversion on every row, about half the page's row query.
_LIST_PAGE_COLUMNS = [
    "reference",
    "text",
    "text_fr",
    *(
        f"section__{up}{name}"
        for up in ("", "parent__", "parent__parent__")
        for name in ("title", "title_fr", "parent")
    ),
]


def list_page_columns(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """`qs` (recommendation_list's) reading only what a list page's rows show: their sections, not the
    source or the other columns. The order and the filters are unchanged."""
    return qs.select_related(None).select_related("section__parent__parent").only(*_LIST_PAGE_COLUMNS)


def recommendation_count_set(*, user: AnyUser, filters: RecommendationFilters) -> QuerySet[Recommendation]:
    """The rows of `recommendation_list` (same visibility, same filters), shaped for counting them."""
    return _filtered(user=user, filters=filters, for_count=True)


def recommendation_get(*, user: AnyUser, pk: int) -> Recommendation:
    """The recommendation if `user` may see it; raises Recommendation.DoesNotExist otherwise (→ 404)."""
    return (
        _with_related(recommendations_visible_to(user=user))
        .prefetch_related("recommended_by", "restricted_to")
        .get(pk=pk)
    )


def recommendation_get_for_save(*, user: AnyUser, pk: int) -> Recommendation:
    """As recommendation_get, for a save through the edit form: its relations (the form's initial
    values) read as ids in one query and taken from the per-process copies of organisations, themes
    and flags, instead of one query per relation."""
    rec = recommendations_visible_to(user=user).select_related("source").get(pk=pk)
    names = ["addressees", "recommended_by", "priority_flags", "themes", "restricted_to"]
    for name, ids in link_targets(rec, names).items():
        model = Recommendation._meta.get_field(name).remote_field.model
        rows = REFERENCE[model].get(ids)
        if len(rows) == len(set(ids)):  # else (a row gone meanwhile) the relation is read when asked
            remember_links(rec, name, list(rows.values()))
    return rec


def cluster_of(recommendation: Recommendation) -> Section | None:
    """The outermost section: what the annexes call a cluster."""
    return recommendation.section.path[0] if recommendation.section else None


def sources_visible_to(*, user: AnyUser) -> QuerySet[Source]:
    """Sources holding at least one recommendation the user may see (so counts never leak)."""
    if user_is_editor(user):
        return Source.objects.all()
    return Source.objects.filter(Exists(recommendations_visible_to(user=user).filter(source=OuterRef("pk"))))


def sources_matching(
    sources: QuerySet[Source], *, find: str, keep: object = None, limit: int
) -> QuerySet[Source]:
    """Up to `limit` of `sources` whose symbol or title contains `find` (the newest first when `find` is
    empty), plus the source `keep` (the one already chosen) if it is among `sources`. Two small queries,
    whatever the number of sources: a filter bar lists these instead of thousands of options."""
    matches = sources
    if find:
        matches = sources.filter(
            Q(symbol__icontains=find) | Q(title__icontains=find) | Q(title_fr__icontains=find)
        )
    pks = list(matches.order_by("-date", "symbol").values_list("pk", flat=True)[:limit])
    if keep and str(keep).isdigit() and int(keep) < 2**63:  # beyond any id: the database would refuse it
        pks.append(int(keep))
    return sources.filter(pk__in=pks)  # `sources` again: a kept pk the user may not see drops out here


def is_longer_than(qs: QuerySet, limit: int) -> bool:
    """Whether `qs` holds more than `limit` rows, reading at most limit + 1 of them."""
    return qs.order_by()[: limit + 1].count() > limit


def sections_visible_to(*, user: AnyUser) -> QuerySet[Section]:
    """Sections of the sources `user` sees. One probe per section (none when there are no sections),
    rather than first testing every source as `source__in=sources_visible_to(…)` would."""
    qs = Section.objects.select_related("source", "parent__parent")
    if user_is_editor(user):
        return qs
    return qs.filter(Exists(recommendations_visible_to(user=user).filter(source=OuterRef("source_id"))))


@dataclass
class RecommendationSnapshot:
    """A recommendation as it stood at a past moment (from its history)."""

    when: object
    text: str
    text_fr: str
    section: Section | None
    visibility: str
    response: str
    addressees: list[Organisation]
    priority_flags: list[PriorityFlag]
    themes: list[Theme]

    @property
    def visibility_label(self) -> str:
        return str(Visibility(self.visibility).label)


def recommendation_as_of(
    *, user: AnyUser, recommendation: Recommendation, when
) -> RecommendationSnapshot | None:
    """The state of `recommendation` at `when`, or None if it did not exist then or `user` could not
    have seen it then (a record public today may have been restricted before)."""
    from coopreview.core.history import as_of

    record = as_of(recommendation, when)
    if record is None:
        return None
    if not may_read_version(user, current=recommendation, version=record):
        return None
    return RecommendationSnapshot(
        when=when,
        text=record.text,
        text_fr=record.text_fr,
        section=Section.objects.filter(pk=record.section_id).first() if record.section_id else None,
        visibility=record.visibility,
        response=record.response,
        addressees=list(
            Organisation.objects.filter(pk__in=[r.organisation_id for r in record.addressees.all()])
        ),
        priority_flags=list(
            PriorityFlag.objects.filter(pk__in=[r.priorityflag_id for r in record.priority_flags.all()])
        ),
        themes=list(Theme.objects.filter(pk__in=[r.theme_id for r in record.themes.all()])),
    )


@dataclass
class SettableFlag:
    flag: PriorityFlag
    on: bool


def priority_flags_settable_by(*, user: AnyUser) -> list[PriorityFlag]:
    """The priority flags `user` may set or clear (their organisation's own), in flag order."""
    if not user.is_authenticated:
        return []
    flags = PriorityFlag.objects.select_related("owner")
    return in_flag_order(f for f in flags if user.has_perm("recommendations.set_flag", f))


def flags_settable_by(*, user: AnyUser, recommendation: Recommendation) -> list[SettableFlag]:
    """The priority flags `user` may set or clear, each with whether it is set on `recommendation`.
    Two queries."""
    current = {f.pk for f in recommendation.priority_flags.all()}
    return [SettableFlag(flag=f, on=f.pk in current) for f in priority_flags_settable_by(user=user)]
