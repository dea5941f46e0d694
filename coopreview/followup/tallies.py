"""Today's dashboard figures for the unfiltered dashboard, read from stored counts (models.Tally) instead
of grouping every visible recommendation (followup.summary: about 2.4 s at 200,000, 11 s at 1,000,000).

Each recommendation's contribution is stored (models.TallyFacts): its access class (layer, and the
organisations a restricted one is restricted to), the overall rank and sides of the parts everyone may
read (OverallStatus' shared row), source, section, priority flags and parts per lead organ. A write
recomputes these facts in one or two queries and moves the tallies by the difference (-1 under the old
key, +1 under the new) in one upsert: `refresh`, called by every part write (overall.overall_refresh)
and by every write of a recommendation, its access or its flags (core.derived); `forget` before a
deletion. `rebuild` recomputes both from the rows (manage.py followup_overall_rebuild).

A reader sums the tally rows of the access classes they may open (accounts.layers' rule, on the key).
Confidential parts change a recommendation's overall status only for readers whose lead scope holds
their lead: for those readers (Court focal points, administrators) the few recommendations with such
parts are corrected one by one (their shared contribution replaced by the one they read). Progress
from actions is read per action link (bounded by the actions, not the recommendations).

summary.summarise stays the reference (and the filtered dashboard's path); the tests prove them equal.
One knowing difference: summarise orders the cluster rollup by the reference of each cluster's first
recommendation; here by its source, then the cluster's position in that source (the same document
order, unless references and section positions disagree), "—" after the clusters of its source.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from coopreview.accounts.enums import Visibility
from coopreview.accounts.layers import Reach, reach_of
from coopreview.accounts.selectors import AnyUser
from coopreview.followup import selectors
from coopreview.followup.enums import Status
from coopreview.followup.models import Action, FollowupPart, OverallStatus, Tally, TallyFacts
from coopreview.followup.overall import RANKED
from coopreview.followup.rules import lead_scope
from coopreview.recommendations.models import Recommendation, Section, Source

BATCH = 2000
NO_RANK = -1
FACT_FIELDS = ["access", "rank", "sides", "source", "section", "flags", "leads"]


class IdList(Aggregate):
    """The ids of a group, comma-separated in no particular order (`canonical` sorts them)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, conn, **extra):
        return self.as_sql(compiler, conn, template="STRING_AGG(CAST(%(expressions)s AS text), ',')", **extra)


def canonical(ids: str | None) -> str:
    """ ",3,7," for "7,3": one spelling per set, so a key names each organisation between commas."""
    numbers = sorted({int(x) for x in (ids or "").split(",") if x})
    return f",{','.join(map(str, numbers))}," if numbers else ""


def _ids_of(key: str) -> list[int]:
    return [int(x) for x in key.split(",") if x]


def _ids_of_parts(keys: str | None) -> list[str]:
    return [k for k in (keys or "").split(",") if k]


# ---------------------------------------------------------------- writes


def _contribution(facts: dict[str, Any] | None) -> Counter:
    """The tally keys (Tally.KEY order) one recommendation's facts add to, with how much."""
    out: Counter = Counter()
    if facts is None:
        return out
    access = facts["access"]
    flags = _ids_of(facts["flags"])
    out[(Tally.RECOMMENDATIONS, access, facts["rank"], facts["sides"], facts["source"], facts["section"],
         bool(flags), 0, 0, False)] += 1  # fmt: skip
    for flag in flags:
        out[(Tally.FLAGS, access, 0, 0, 0, 0, False, flag, 0, False)] += 1
    for key, n in facts["leads"].items():
        lead, confidential = key.split(":")
        out[(Tally.PARTS, access, 0, 0, 0, 0, False, 0, int(lead), confidential == "1")] += n
    return out


def _add(delta: Counter) -> None:
    """Add `delta` to the tally rows (created at need): one statement per 500 keys."""
    rows = [(*key, n) for key, n in delta.items() if n]
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(Tally._meta.db_table)
    columns = ", ".join(q(c) for c in Tally.KEY)
    width = len(Tally.KEY) + 1
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}, {q('n')}) VALUES {values} "  # noqa: S608 — names only
                f"ON CONFLICT ({columns}) DO UPDATE SET {q('n')} = {table}.{q('n')} + excluded.{q('n')}",
                [value for row in chunk for value in row],
            )


def _facts_now(ids: list[int]) -> tuple[dict[int, dict | None], dict[int, dict]]:
    """(stored facts, facts now) of these recommendations, their rows locked until the transaction ends
    (two refreshes of one recommendation must not both subtract the same stored facts). One query."""
    links = Recommendation.restricted_to.through
    flag_links = Recommendation.priority_flags.through

    def id_list(rows, column) -> Subquery:
        if not isinstance(rows, QuerySet):
            rows = rows.objects.all()
        mine = rows.filter(recommendation_id=OuterRef("pk")).order_by().values("recommendation_id")
        return Subquery(mine.annotate(k=IdList(column)).values("k"))

    # one "<lead>:<1 if confidential>" per part with a lead (a recommendation has a few), counted below
    confidential = Case(
        When(confidential=True, then=Value("1")), default=Value("0"), output_field=CharField()
    )
    part_lead_key = Concat(Cast("lead_id", CharField()), Value(":"), confidential, output_field=CharField())

    stored_fields = {f"was_{name}": F(f"followup_facts__{name}") for name in FACT_FIELDS}
    locked = Recommendation.objects.filter(pk__in=ids).order_by("pk")
    if connection.features.has_select_for_update_of:
        locked = locked.select_for_update(of=("self",))
    rows = (
        locked.annotate(
            shared=FilteredRelation("followup_overall", condition=Q(followup_overall__confidential=False))
        )
        .annotate(
            restricted=id_list(links, "organisation_id"),
            flag_ids=id_list(flag_links, "priorityflag_id"),
            part_leads=id_list(FollowupPart.objects.filter(lead__isnull=False), part_lead_key),
            shared_rank=F("shared__rank"),
            shared_sides=F("shared__sides"),
            **stored_fields,
        )
        .values(
            "pk",
            "visibility",
            "source_id",
            "section_id",
            "restricted",
            "flag_ids",
            "part_leads",
            "shared_rank",
            "shared_sides",
            *stored_fields,
        )  # fmt: skip
    )
    old: dict[int, dict | None] = {}
    new: dict[int, dict] = {}
    for row in rows:
        pk = row["pk"]
        old[pk] = None if row["was_access"] is None else {name: row[f"was_{name}"] for name in FACT_FIELDS}
        visibility = str(row["visibility"])
        access = (
            f"restricted:{canonical(row['restricted'])}"
            if visibility == Visibility.RESTRICTED
            else visibility
        )
        new[pk] = {
            "access": access,
            "rank": NO_RANK if row["shared_rank"] is None else row["shared_rank"],
            "sides": row["shared_sides"] or 0,
            "source": row["source_id"],
            "section": row["section_id"] or 0,
            "flags": canonical(row["flag_ids"]),
            "leads": dict(Counter(_ids_of_parts(row["part_leads"]))),
        }
    for pk in ids:
        old.setdefault(pk, None)  # deleted meanwhile: a deferred refresh after the delete finds nothing
    return old, new


def refresh(recommendation_ids: Iterable[int]) -> None:
    """Recount these recommendations: their stored facts replaced, the tallies moved by the difference.
    Runs in the caller's transaction. Three queries (the facts read, the tallies moved, the facts
    stored) when something the dashboard counts changed, the read alone otherwise."""
    ids = sorted(set(recommendation_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        old, new = _facts_now(chunk)
        delta: Counter = Counter()
        changed = []
        for pk in chunk:
            if old[pk] == new.get(pk):
                continue
            delta.update(_contribution(new.get(pk)))
            delta.subtract(_contribution(old[pk]))
            if pk in new:
                changed.append(TallyFacts(recommendation_id=pk, **new[pk]))
        _add(delta)
        if changed:
            TallyFacts.objects.bulk_create(
                changed, update_conflicts=True, unique_fields=["recommendation"], update_fields=FACT_FIELDS
            )


def forget(recommendation_ids: list[int]) -> None:
    """Before these recommendations are deleted: their contributions leave the tallies (their facts go
    with them, CASCADE)."""
    delta: Counter = Counter()
    for facts in TallyFacts.objects.filter(recommendation_id__in=recommendation_ids).values(*FACT_FIELDS):
        delta.subtract(_contribution(facts))
    _add(delta)


def rebuild() -> int:
    """Recount every recommendation from the rows (after bulk loads that bypass the services, or to
    repair). Run inside overall_rebuild's transaction, after the overall statuses. Returns the number of
    tally rows."""
    Tally.objects.all().delete()
    TallyFacts.objects.all().delete()
    totals: Counter = Counter()
    ids = list(Recommendation.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        _old, new = _facts_now(ids[start : start + BATCH])
        for facts in new.values():
            totals.update(_contribution(facts))
        TallyFacts.objects.bulk_create(TallyFacts(recommendation_id=pk, **f) for pk, f in new.items())
    Tally.objects.bulk_create(
        (Tally(**dict(zip(Tally.KEY, key, strict=True)), n=n) for key, n in totals.items() if n),
        batch_size=1000,
    )
    return Tally.objects.count()


# ---------------------------------------------------------------- reads


def _access_q(reach: Reach) -> Q | None:
    """The tally rows (or facts) of the access classes `reach` opens: layers.layers_q's rule on the key."""
    if reach.everything:
        return None
    condition = Q(access__in=list(reach.layers))
    for org in sorted(reach.organisations):
        condition |= Q(access__startswith="restricted:", access__contains=f",{org},")
    return condition


def _combined(user: AnyUser, access: Q | None) -> tuple[dict[int, tuple[int, int]], list[dict]]:
    """For a reader who may read some confidential parts: (rank and sides they read, per recommendation
    with such parts; those recommendations' stored facts, visible ones only). Two queries; none for
    readers with an empty lead scope."""
    scope = lead_scope(user)
    if scope is not None and not scope:
        return {}, []
    confidential = OverallStatus.objects.filter(confidential=True)
    readable = Q(confidential=False)
    if scope is not None:
        confidential = confidential.filter(lead_id__in=scope)
        readable |= Q(lead_id__in=scope)
    else:
        readable = Q()
    with_parts = confidential.values("recommendation_id")
    facts = TallyFacts.objects.filter(recommendation_id__in=with_parts)
    if access is not None:
        facts = facts.filter(access)
    stored = list(facts.values("recommendation_id", *FACT_FIELDS))
    combined: dict[int, tuple[int, int]] = {}
    rows = OverallStatus.objects.filter(readable, recommendation_id__in=with_parts)  # a subquery: no id list
    for rec_id, rank, sides in rows.values_list("recommendation_id", "rank", "sides"):
        was = combined.get(rec_id)
        combined[rec_id] = (rank, sides) if was is None else (min(was[0], rank), was[1] | sides)
    return combined, stored


def _clusters(section_ids: set[int]) -> dict[int, tuple[str, tuple]]:
    """Per section: its cluster's title (the outermost section's) and the cluster's place in its source.
    Two queries (and a walk up the few sections deeper than three levels)."""
    rows = Section.objects.filter(pk__in=section_ids).values_list("pk", "parent_id", "parent__parent_id")
    outer_of = {pk: grand or parent or pk for pk, parent, grand in rows}
    outer = {}
    for s in Section.objects.filter(pk__in=set(outer_of.values())):
        top = s.path[0] if s.parent_id else s
        outer[s.pk] = (top.display_title, (0, top.position, top.pk))
    return {pk: outer[o] for pk, o in outer_of.items()}


def summarise_all(*, user: AnyUser):
    """summary.summarise of every recommendation `user` may open, from the tallies: a fixed number of
    queries (seven; nine for a reader of confidential parts) whatever the number of recommendations."""
    from coopreview.followup.summary import Summary, _side_label, flag_figures, lead_names, rollups

    reach = reach_of(user)
    access = _access_q(reach)
    tallies = Tally.objects.exclude(n=0)
    if access is not None:
        tallies = tallies.filter(access)
    groups: Counter = Counter()  # (rank, sides, source, section, flagged) → recommendations
    by_flag_id: Counter = Counter()
    by_lead_id: Counter = Counter()
    scope = lead_scope(user)
    key = [k for k in Tally.KEY if k != "access"]
    rows = tallies.order_by().values(*key).annotate(total=Sum("n")).values_list(*key, "total")
    for kind, rank, sides, source, section, flagged, flag, lead, confidential, n in rows:
        if kind == Tally.RECOMMENDATIONS:
            groups[(rank, sides, source, section, bool(flagged))] += n
        elif kind == Tally.FLAGS:
            by_flag_id[flag] += n
        elif not confidential or scope is None or lead in scope:
            by_lead_id[lead] += n
    combined, corrected = _combined(user, access)
    for f in corrected:  # their shared contribution replaced by the one this reader reads
        flagged = bool(f["flags"])
        groups[(f["rank"], f["sides"], f["source"], f["section"], flagged)] -= 1
        rank, sides = combined[f["recommendation_id"]]
        groups[(rank, sides, f["source"], f["section"], flagged)] += 1
    # progress from actions (actions_visible_to: only actions all of whose recommendations are visible)
    through = Action.recommendations.through
    links = through.objects.filter(action__in=selectors.actions_visible_to(user=user)).values_list(
        "recommendation_id", "action__progress", "recommendation__followup_facts__rank",
        "recommendation__followup_facts__source", "recommendation__followup_facts__section",
    )  # fmt: skip
    progress: dict[int, list[int]] = defaultdict(list)
    actioned: dict[int, tuple[int, int, int]] = {}
    for rec_id, value, rank, source, section in links:
        progress[rec_id].append(value)
        actioned[rec_id] = (combined[rec_id][0] if rec_id in combined else rank, source, section or 0)
    clusters = _clusters(
        {k[3] for k, n in groups.items() if n and k[3]} | {a[2] for a in actioned.values()} - {0}
    )
    # (pk, symbol) in the sources' order: model instances of every source cost 0.1 s at 2,632 sources
    sources = list(
        Source.objects.filter(pk__in={k[2] for k, n in groups.items() if n}).values_list("pk", "symbol")
    )
    source_order = {pk: i for i, (pk, _symbol) in enumerate(sources)}
    symbols = dict(sources)

    labels = {i: str(s.label) for i, s in enumerate(RANKED)}
    uncategorised = str(_("Not categorised"))
    not_pursued, implemented = RANKED.index(Status.NOT_PURSUED), RANKED.index(Status.IMPLEMENTED)
    no_cluster = ("—", (1, 0, 0))
    by_status: Counter = Counter()
    by_side: Counter = Counter()
    by_cluster: Counter = Counter()
    side_labels: dict = {}
    r_count: dict[tuple, int] = defaultdict(int)
    r_sum: dict[tuple, int] = defaultdict(int)
    first_seen: dict[tuple, tuple] = {}
    total = flagged = 0
    for (rank, sides, source, section, is_flagged), n in groups.items():
        if not n:
            continue
        total += n
        flagged += n if is_flagged else 0
        by_status[labels[rank] if rank != NO_RANK else uncategorised] += n
        by_side[_side_label(sides, side_labels)] += n
        cluster, place = clusters.get(section, no_cluster) if section else no_cluster
        by_cluster[cluster] += n
        if rank == not_pursued:
            continue
        order = (source_order[source], place)
        for rkey in (("source", symbols[source]), ("cluster", cluster)):
            r_count[rkey] += n
            r_sum[rkey] += 100 * n if rank == implemented else 0
            first_seen[rkey] = min(first_seen.get(rkey, order), order)
    for rec_id, (rank, source, section) in actioned.items():
        if rank in (not_pursued, implemented):
            continue
        mean = round(sum(progress[rec_id]) / len(progress[rec_id]))
        cluster = (clusters.get(section, no_cluster) if section else no_cluster)[0]
        r_sum[("source", symbols[source])] += mean
        r_sum[("cluster", cluster)] += mean

    by_flag, flag_colours = flag_figures(by_flag_id, unflagged=total - flagged)
    return Summary(
        total=total,
        by_status=by_status,
        by_side=by_side,
        by_cluster=by_cluster,
        by_flag=by_flag,
        flag_colours=flag_colours,
        by_lead=lead_names(by_lead_id),
        rollup=rollups(r_count, r_sum, first_seen),
    )


# ---------------------------------------------------------------- a flag deleted


def flag_deleting(sender, instance, **kwargs) -> None:
    """A priority flag's links go with it, without a signal per recommendation: the recommendations it
    was set on are recounted once it is gone (flag_deleted), in the deletion's transaction."""
    links = Recommendation.priority_flags.through.objects.filter(priorityflag_id=instance.pk)
    instance._tallied_recommendations = list(links.values_list("recommendation_id", flat=True))


def flag_deleted(sender, instance, **kwargs) -> None:
    refresh(getattr(instance, "_tallied_recommendations", []))
