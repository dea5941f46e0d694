"""Today's dashboard figures computed in the database (GROUP BY), never one Python row per recommendation.

The overall status of a recommendation (selectors.overall_status) is the least advanced of its open
parts, "not to be pursued" if every part is: ranking statuses in STATUS_ORDER with "not to be pursued"
last, it is the MIN of its readable parts' ranks. The sides of its parts are a bitmask. Both are stored
per recommendation by every part write (followup.overall) and read by with_overall. Status, side and
cluster charts and the rollup's counts come from one GROUP BY over (rank, sides, source, section);
bars and rollup rows are then a few hundred groups in Python whatever the number of recommendations.
The GROUP BY still passes over every counted recommendation: the unfiltered dashboard reads the same
figures from stored tallies instead (followup.tallies); this is the filtered dashboard's path and the
tallies' reference in the tests.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from coopreview.accounts.enums import Side
from coopreview.accounts.selectors import AnyUser
from coopreview.followup import selectors
from coopreview.followup.enums import Status
from coopreview.followup.overall import RANKED, SIDE_BITS, rank_case, side_bit_case, with_overall  # noqa: F401
from coopreview.recommendations.models import PriorityFlag, Recommendation, Section, Source

_rank_of_status = rank_case  # the name followup.past uses


def with_overall_computed(
    *, user: AnyUser, recommendations: QuerySet[Recommendation]
) -> QuerySet[Recommendation]:
    """The reference for the stored overall status (overall.with_overall, which the dashboard reads):
    `overall_rank` and `side_mask` computed from the readable parts, two correlated subqueries per
    recommendation (about a second at 200,000). Kept for the tests that prove the stored rows equal."""
    parts = selectors.parts_readable(user=user).filter(recommendation_id=OuterRef("pk")).order_by()
    per_rec = parts.values("recommendation_id")
    return recommendations.annotate(
        overall_rank=Subquery(per_rec.annotate(r=Min(rank_case())).values("r")),
        side_mask=Subquery(per_rec.annotate(m=Sum(side_bit_case(), distinct=True)).values("m")),
    )


def rank_of(status: str) -> int:
    return RANKED.index(status)


def status_of(rank: int | None) -> str | None:
    return None if rank is None else RANKED[rank].value


@dataclass
class Summary:
    total: int
    by_status: Counter  # label → count
    by_side: Counter
    by_cluster: Counter
    by_flag: Counter
    flag_colours: dict[str, str]
    by_lead: Counter
    rollup: dict[str, Any]


def _cluster_titles(outer_ids: set[int]) -> dict[int, str]:
    """The title of each outermost section (walking up the few deeper than three levels). One query."""
    sections = {s.pk: s for s in Section.objects.filter(pk__in=outer_ids)}
    return {pk: (s.path[0] if s.parent_id else s).display_title for pk, s in sections.items()}


def _side_label(mask: int | None, cache: dict) -> str:
    if mask not in cache:
        sides = {side for side, bit in SIDE_BITS.items() if (mask or 0) & bit}
        cache[mask] = str(
            _("Assembly and Court")
            if {"court", "assembly"} <= sides
            else ", ".join(str(Side(s).label) for s in sorted(sides)) or _("Not categorised")
        )
    return cache[mask]


def summarise(*, user: AnyUser, recommendations: QuerySet[Recommendation]) -> Summary:
    """Chart counts and the progress rollup of `recommendations` (annotated by with_overall, visibility
    already applied), in a fixed number of queries (six)."""
    groups = list(
        recommendations.order_by()
        .values("overall_rank", "side_mask", "source_id", "section_id", "section__parent_id")
        .annotate(
            n=Count("pk"),
            grand=Min("section__parent__parent_id"),  # one value per section: a functional dependency
            first=Min("reference_sort"),
        )
    )
    outer = {g["grand"] or g["section__parent_id"] or g["section_id"] for g in groups} - {None}
    titles = _cluster_titles(outer)
    sources = {s.pk: s for s in Source.objects.filter(pk__in={g["source_id"] for g in groups})}
    source_order = {
        pk: i for i, pk in enumerate(Source.objects.filter(pk__in=sources).values_list("pk", flat=True))
    }
    labels = {i: str(s.label) for i, s in enumerate(RANKED)}
    uncategorised = str(_("Not categorised"))
    by_status: Counter = Counter()
    by_side: Counter = Counter()
    by_cluster: Counter = Counter()
    side_labels: dict = {}
    # rollup: recommendations without actions count 0 (100 once implemented); those with actions are
    # corrected below from their actions' mean (a number of rows bounded by the action links)
    r_count: dict[tuple, int] = defaultdict(int)
    r_sum: dict[tuple, int] = defaultdict(int)
    first_seen: dict[tuple, tuple] = {}
    for g in groups:
        rank, n = g["overall_rank"], g["n"]
        by_status[labels[rank] if rank is not None else uncategorised] += n
        by_side[_side_label(g["side_mask"], side_labels)] += n
        key = g["grand"] or g["section__parent_id"] or g["section_id"]
        cluster = titles.get(key) if key else None
        by_cluster[cluster or "—"] += n
        if rank == rank_of(Status.NOT_PURSUED):
            continue
        order = (source_order[g["source_id"]], g["first"])
        for rkey in (("source", sources[g["source_id"]].symbol), ("cluster", cluster or "—")):
            r_count[rkey] += n
            r_sum[rkey] += 100 * n if rank == rank_of(Status.IMPLEMENTED) else 0
            first_seen[rkey] = min(first_seen.get(rkey, order), order)
    progress = selectors.recommendation_progress(user=user, recommendations=recommendations.values("pk"))
    if progress:
        rows = recommendations.filter(pk__in=list(progress)).values_list(
            "pk",
            "overall_rank",
            "source__symbol",
            "section_id",
            "section__parent_id",
            "section__parent__parent_id",
        )
        extra_titles = _cluster_titles({g or p or s for *_x, s, p, g in rows if s} - set(titles))
        titles.update(extra_titles)
        for pk, rank, symbol, own, parent, grand in rows:
            if rank in (rank_of(Status.NOT_PURSUED), rank_of(Status.IMPLEMENTED)):
                continue
            key = grand or parent or own
            cluster = (titles.get(key) if key else None) or "—"
            r_sum[("source", symbol)] += progress[pk] or 0
            r_sum[("cluster", cluster)] += progress[pk] or 0

    through = Recommendation.priority_flags.through
    flag_rows = list(
        through.objects.filter(recommendation_id__in=recommendations.values("pk"))
        .order_by()
        .values("priorityflag_id")
        .annotate(n=Count("pk"))
    )
    flagged = 0
    if flag_rows:
        flagged = through.objects.filter(recommendation_id__in=recommendations.values("pk")).aggregate(
            n=Count("recommendation_id", distinct=True)
        )["n"]
    total = sum(g["n"] for g in groups)
    by_flag, flag_colours = flag_figures(
        Counter({row["priorityflag_id"]: row["n"] for row in flag_rows}), unflagged=total - flagged
    )
    return Summary(
        total=total,
        by_status=by_status,
        by_side=by_side,
        by_cluster=by_cluster,
        by_flag=by_flag,
        flag_colours=flag_colours,
        by_lead=_by_lead(user=user, recommendations=recommendations),
        rollup=rollups(r_count, r_sum, first_seen),
    )


def rollups(r_count: dict[tuple, int], r_sum: dict[tuple, int], first_seen: dict[tuple, tuple]) -> dict:
    """The progress rollup per cluster and per source from counts and progress sums keyed by
    (kind, label), each list in the order its labels were first seen."""

    def of(kind: str) -> list[selectors.Rollup]:
        keys = sorted((k for k in r_count if k[0] == kind), key=lambda k: first_seen[k])
        return [
            selectors.Rollup(label=k[1], count=r_count[k], progress=round(r_sum[k] / r_count[k]))
            for k in keys
        ]

    return {"clusters": of("cluster"), "sources": of("source")}


def flag_figures(by_flag_id: Counter, *, unflagged: int) -> tuple[Counter, dict[str, str]]:
    """The chart's counts per flag name (and "No priority flag") with each flag's colour."""
    flags = {f.pk: f for f in PriorityFlag.objects.all()}
    by_flag: Counter = Counter()
    flag_colours: dict[str, str] = {}
    for flag_id, n in by_flag_id.items():
        if n and flag_id in flags:
            by_flag[flags[flag_id].display_name] += n
            flag_colours[flags[flag_id].display_name] = flags[flag_id].colour
    if unflagged:
        by_flag[str(_("No priority flag"))] += unflagged
    return by_flag, flag_colours


def lead_names(by_lead_id: Counter) -> Counter:
    """Counts per lead organisation's name from counts per its id (one query)."""
    from coopreview.accounts.models import Organisation

    wanted = {pk for pk, n in by_lead_id.items() if n}
    names = {o.pk: o.display_name for o in Organisation.objects.filter(pk__in=wanted)}
    by_lead: Counter = Counter()
    for lead_id in wanted:
        by_lead[names.get(lead_id, "—")] += by_lead_id[lead_id]
    return by_lead


def _by_lead(*, user: AnyUser, recommendations: QuerySet[Recommendation]) -> Counter:
    rows = (
        selectors.parts_readable(user=user)
        .filter(recommendation_id__in=recommendations.values("pk"), lead__isnull=False)
        .order_by()
        .values("lead_id")
        .annotate(n=Count("pk"))
    )
    return lead_names(Counter({r["lead_id"]: r["n"] for r in rows}))
