"""The stored overall status of each recommendation, today (models.OverallStatus, read by today's
dashboard) and over time (models.OverallSpan, read by its "over time" months: past.status_counts_from_spans).

The overall status (selectors.overall_status) is the least advanced of a recommendation's readable parts:
ranking statuses in RANKED ("not to be pursued" last), the MIN of their ranks. Computing it per
recommendation on each request (two correlated subqueries over the parts, summary.with_overall_computed)
took about a second at 200,000 recommendations; here it is written by every part write, in the same
transaction (services.parts_ensure, part_update, _move: every path, bulk changes, meeting decisions
and the API included, goes through them), and read as a column.

Keying: a part is hidden from a reader only when it is confidential to a lead organ outside the
reader's lead scope (rules.lead_scope). So one row holds the parts everyone may read, and one row per
lead organ holds that organ's confidential parts; a reader's overall status is the MIN over the rows
they may read. Deleting a recommendation deletes its rows (CASCADE); parts are never deleted alone.
The spans are replayed from the parts' history with the same keys (by each part's state today).
Both are derived data: overall_rebuild (manage.py followup_overall_rebuild) recomputes them, and the
"over time" deltas that follow the spans (followup.over_time).
"""

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import groupby

from django.db import transaction
from django.db.models import (
    Case,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from coopreview.accounts.enums import Side
from coopreview.accounts.selectors import AnyUser
from coopreview.followup import over_time
from coopreview.followup.enums import STATUS_ORDER, Status
from coopreview.followup.models import FollowupPart, OverallSpan, OverallStatus
from coopreview.followup.rules import lead_scope
from coopreview.recommendations.models import Recommendation

RANKED = [*STATUS_ORDER, Status.NOT_PURSUED]  # MIN over these ranks is overall_status
SIDE_BITS = {side.value: 1 << i for i, side in enumerate(Side)}
BATCH = 5000


def rank_case() -> Case:
    return Case(*(When(status=s, then=Value(i)) for i, s in enumerate(RANKED)), output_field=IntegerField())


def side_bit_case() -> Case:
    return Case(
        *(When(side=side, then=Value(bit)) for side, bit in SIDE_BITS.items()), output_field=IntegerField()
    )


def _computed(parts: QuerySet[FollowupPart]) -> QuerySet:
    """One row per (recommendation, confidential, lead of the confidential parts) computed from `parts`."""
    key_lead = Case(
        When(confidential=True, then=F("lead_id")), default=Value(None), output_field=IntegerField()
    )
    return (
        parts.order_by()
        .annotate(key_lead=key_lead)
        .values("recommendation_id", "confidential", "key_lead")
        .annotate(rank=Min(rank_case()), sides=Sum(side_bit_case(), distinct=True))
        .order_by("recommendation_id")
    )


def _statuses(rows: Iterable[dict]) -> Iterator[OverallStatus]:
    for row in rows:
        yield OverallStatus(
            recommendation_id=row["recommendation_id"],
            confidential=row["confidential"],
            lead_id=row["key_lead"],
            rank=row["rank"],
            sides=row["sides"],
        )


def _insert(model: type[OverallStatus] | type[OverallSpan], objects: Iterable) -> int:
    """Insert `objects` BATCH at a time (never all of a rebuild's rows in memory); the number written."""
    batch: list = []
    written = 0
    for obj in objects:
        batch.append(obj)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return written + len(batch)


def _spans(recommendation_ids: list[int] | None) -> Iterator[OverallSpan]:
    """The spans of these recommendations (None: all) from their parts' history rows, replayed in the
    order followup.past reads them (history_date, history_id): a part counts from its row up to a moment
    until its deletion row; each key (the parts' confidentiality and lead today) holds the MIN rank."""
    parts = FollowupPart.objects.all()
    rows = FollowupPart.history.model.objects.all()
    if recommendation_ids is not None:
        parts = parts.filter(recommendation_id__in=recommendation_ids)
        rows = rows.filter(recommendation_id__in=recommendation_ids)
    else:  # the history of a deleted recommendation's parts outlives it: no span for it
        rows = rows.filter(recommendation_id__in=Recommendation.objects.values("pk"))
    keys = {
        pk: (True, lead) if confidential else (False, None)
        for pk, confidential, lead in parts.values_list("pk", "confidential", "lead_id").iterator(BATCH)
    }
    ranks = {status: i for i, status in enumerate(RANKED)}
    events = rows.order_by("recommendation_id", "history_date", "history_id").values_list(
        "recommendation_id", "id", "status", "history_type", "history_date"
    )
    for rec_id, group in groupby(events.iterator(BATCH), key=lambda e: e[0]):
        state: dict[tuple, dict[int, int]] = {}
        open_: dict[tuple, tuple[int, datetime]] = {}  # key → (rank, since)
        for _rec, part_id, status, kind, when in group:
            key = keys.get(part_id, (False, None))  # a deleted part: hidden from no one (past.parts_at)
            held = state.setdefault(key, {})
            if kind == "-":
                held.pop(part_id, None)
            else:
                held[part_id] = ranks.get(status, len(RANKED))
            rank = min(held.values()) if held else None
            current = open_.get(key)
            if current is not None and current[0] == rank:
                continue
            if current is not None:
                yield OverallSpan(
                    recommendation_id=rec_id, confidential=key[0], lead_id=key[1],
                    rank=current[0], start=current[1], end=when,
                )  # fmt: skip
                del open_[key]
            if rank is not None:
                open_[key] = (rank, when)
        for key, (rank, since) in open_.items():
            yield OverallSpan(
                recommendation_id=rec_id,
                confidential=key[0],
                lead_id=key[1],
                rank=rank,
                start=since,
                end=None,
            )


def overall_lock(*, recommendation_ids: Iterable[int]) -> None:
    """Lock these recommendations' rows until the transaction ends. Two writes to different parts of one
    recommendation must not each recompute its rows from a snapshot without the other's part
    (PostgreSQL, read committed): the recommendation row serialises them, and the reads of the refresh
    start after the other has committed. The part services take it BEFORE locking or saving a part, so
    every writer locks in the same order (recommendation, then part) and none waits on another in a
    cycle. No-op on SQLite (one writer at a time)."""
    ids = sorted(set(recommendation_ids))
    list(Recommendation.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


@transaction.atomic
def overall_refresh(*, recommendation_ids: Iterable[int]) -> None:
    """Recompute the stored rows and spans of these recommendations from their parts and the parts'
    history (a few queries). Called by every part write inside its transaction, after its history row."""
    ids = sorted(set(recommendation_ids))
    overall_lock(recommendation_ids=ids)
    OverallStatus.objects.filter(recommendation_id__in=ids).delete()
    _insert(OverallStatus, _statuses(_computed(FollowupPart.objects.filter(recommendation_id__in=ids))))
    old = over_time.spans_of(ids)
    OverallSpan.objects.filter(recommendation_id__in=ids).delete()
    spans = list(_spans(ids))
    _insert(OverallSpan, spans)
    new: dict[int, list[over_time.Span]] = {}
    for s in spans:
        new.setdefault(s.recommendation_id, []).append(over_time.Span(s.confidential, s.rank, s.start, s.end))
    over_time.spans_rewritten(old=old, new=new)  # the "over time" deltas follow the spans
    from coopreview.followup import tallies  # reads this module's rows: imported late

    tallies.refresh(ids)


@transaction.atomic
def overall_rebuild() -> tuple[int, int]:
    """Recompute every stored row and span from the parts and their history, and the "over time" deltas
    from the spans (after bulk loads or history edits that bypass the services, or to repair). Returns
    the numbers of rows and spans."""
    OverallStatus.objects.all().delete()
    OverallSpan.objects.all().delete()
    rows = _insert(OverallStatus, _statuses(_computed(FollowupPart.objects.all()).iterator(chunk_size=BATCH)))
    spans = _insert(OverallSpan, _spans(None))
    over_time.over_time_rebuild()  # the "over time" deltas, from the spans just written
    from coopreview.followup import tallies  # the dashboard's counts read the rows written above

    tallies.rebuild()
    return rows, spans


def with_overall(*, user: AnyUser, recommendations: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """`recommendations` annotated with `overall_rank` (index in RANKED; NULL: no readable part) and
    `side_mask` (bits of SIDE_BITS of its readable parts' sides), read from the stored rows."""
    scope = lead_scope(user)
    rows = OverallStatus.objects.filter(recommendation_id=OuterRef("pk"))
    if scope is not None and not scope:
        # no confidential part is readable: the one shared row, joined (a correlated subquery per
        # column cost 15-20 % more at 200,000)
        shared = FilteredRelation("followup_overall", condition=Q(followup_overall__confidential=False))
        return recommendations.annotate(shared_overall=shared).annotate(
            overall_rank=F("shared_overall__rank"), side_mask=F("shared_overall__sides")
        )
    if scope is not None:
        rows = rows.filter(Q(confidential=False) | Q(lead_id__in=scope))
    per_rec = rows.order_by().values("recommendation_id")
    # OR of the rows' side masks, bit by bit (no BIT_OR aggregate on SQLite)
    mask = sum((Coalesce(Max(F("sides").bitand(bit)), 0) for bit in SIDE_BITS.values()), start=Value(0))
    return recommendations.annotate(
        overall_rank=Subquery(per_rec.annotate(r=Min("rank")).values("r")),
        side_mask=Subquery(per_rec.annotate(m=mask).values("m")),
    )
