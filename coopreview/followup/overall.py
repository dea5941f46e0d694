"""The stored overall status of each recommendation (models.OverallStatus), read by today's dashboard.

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
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import (
    Case,
    F,
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
from coopreview.followup.enums import STATUS_ORDER, Status
from coopreview.followup.models import FollowupPart, OverallStatus
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


def _insert(rows: Iterable[dict]) -> int:
    batch: list[OverallStatus] = []
    written = 0
    for row in rows:
        batch.append(
            OverallStatus(
                recommendation_id=row["recommendation_id"],
                confidential=row["confidential"],
                lead_id=row["key_lead"],
                rank=row["rank"],
                sides=row["sides"],
            )
        )
        if len(batch) >= BATCH:
            OverallStatus.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    OverallStatus.objects.bulk_create(batch)
    return written + len(batch)


@transaction.atomic
def overall_refresh(*, recommendation_ids: Iterable[int]) -> None:
    """Recompute the stored rows of these recommendations from their parts (three queries). Called by
    every part write inside its transaction."""
    ids = sorted(set(recommendation_ids))
    OverallStatus.objects.filter(recommendation_id__in=ids).delete()
    _insert(_computed(FollowupPart.objects.filter(recommendation_id__in=ids)))


@transaction.atomic
def overall_rebuild() -> int:
    """Recompute every stored row from the parts (after bulk loads that bypass the services, or to
    repair). Returns the number of rows written."""
    OverallStatus.objects.all().delete()
    return _insert(_computed(FollowupPart.objects.all()).iterator(chunk_size=BATCH))


def with_overall(*, user: AnyUser, recommendations: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    """`recommendations` annotated with `overall_rank` (index in RANKED; NULL: no readable part) and
    `side_mask` (bits of SIDE_BITS of its readable parts' sides), read from the stored rows."""
    scope = lead_scope(user)
    rows = OverallStatus.objects.filter(recommendation_id=OuterRef("pk"))
    if scope is not None and not scope:
        # no confidential part is readable: the one shared row, an index lookup
        shared = rows.filter(confidential=False)
        return recommendations.annotate(
            overall_rank=Subquery(shared.values("rank")[:1]),
            side_mask=Subquery(shared.values("sides")[:1]),
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
