"""Status counts at a past moment computed in the database, a fixed number of queries whatever the corpus.

selectors.status_counts_as_of reads every part's history row and every recommendation's layers into
Python (PastLayers, in chunks of 2,000 ids: the query count grew with the corpus); at 200,000
recommendations the dashboard's six "over time" months took 86 s. Here the same rule is one query per
moment:
- a part's state at the moment is its latest history row up to it (not a deletion), parts confidential
  to another organ left out (selectors._hidden_part_ids);
- its recommendation is visible now (recommendations_visible_to) AND its latest version up to the
  moment was open to the reader under that version's own layer (accounts.layers: the rule of that time
  and of now, as PastLayers.open_at);
- the overall status is the MIN of the parts' ranks (summary.RANKED), counted per rank by an outer
  GROUP BY over the per-recommendation rows.
"""

from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from coopreview.accounts.enums import Visibility
from coopreview.accounts.layers import reach_of
from coopreview.accounts.selectors import AnyUser
from coopreview.followup import selectors, summary
from coopreview.followup.enums import Status
from coopreview.followup.models import FollowupPart, OverallSpan
from coopreview.followup.rules import lead_scope
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import recommendations_visible_to


def _version_open_q(user: AnyUser) -> Q | None:
    """The condition on historical recommendation rows that `user` could open that version under its own
    layer (accounts.layers.may_open on the version). None: no condition (editors)."""
    reach = reach_of(user)
    if reach.everything:
        return None
    condition = Q(visibility__in=reach.layers)
    if reach.organisations:
        m2m = apps.get_model("recommendations", "HistoricalRecommendation_restricted_to")
        named = m2m.objects.filter(history_id=OuterRef("history_id"), organisation_id__in=reach.organisations)
        condition |= Q(visibility=Visibility.RESTRICTED) & Q(Exists(named))
    return condition


def version_then(recommendation: Any, moment: Any) -> Subquery:
    """The history_id of recommendation `recommendation`'s latest version up to `moment` (expressions or
    values, e.g. OuterRef("recommendation_id") and a datetime): the one PastLayers.open_at reads."""
    versions = Recommendation.history.model
    return Subquery(
        versions.objects.filter(id=recommendation, history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def open_versions(user: AnyUser) -> QuerySet:
    """Historical recommendation rows `user` could open under their own layer (deletions never)."""
    versions = Recommendation.history.model.objects.exclude(history_type="-")
    condition = _version_open_q(user)
    return versions if condition is None else versions.filter(condition)


def open_then(user: AnyUser, *, recommendation: Any, moment: Any) -> Exists:
    """The rule of that time for each row of the query this condition filters: the recommendation
    `recommendation` (a field name of that row, or an expression such as OuterRef(...) reaching further
    out) as it stood at `moment` (a field name, an expression or a datetime) was open to `user`."""

    def outer(value: Any) -> Any:  # two levels down: inside open_versions, inside version_then
        return OuterRef(OuterRef(value)) if isinstance(value, str | OuterRef) else value

    return Exists(open_versions(user).filter(history_id=version_then(outer(recommendation), outer(moment))))


def parts_at(*, user: AnyUser, moment: datetime, recommendations=None) -> QuerySet:
    """Historical part rows: each visible part as it stood at `moment` (see the module's rule)."""
    history = FollowupPart.history.model
    latest = (
        history.objects.filter(id=OuterRef("id"), history_date__lte=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    parts = (
        history.objects.filter(history_date__lte=moment, history_id=Subquery(latest))
        .exclude(history_type="-")
        .exclude(id__in=selectors._hidden_part_ids(user))
    )
    return _recommendation_then_and_now(parts, user=user, moment=moment, recommendations=recommendations)


def _recommendation_then_and_now(
    rows: QuerySet, *, user: AnyUser, moment: datetime, recommendations=None
) -> QuerySet:
    """`rows` (with a recommendation_id) kept when their recommendation is visible now AND its latest
    version up to `moment` was open to `user` under that version's own layer."""
    opened = open_versions(user).filter(history_id=OuterRef("version_then"))
    visible = recommendations_visible_to(user=user)
    if recommendations is not None:
        visible = visible.filter(pk__in=selectors._rec_ids(recommendations))
    return (
        rows.filter(recommendation_id__in=visible.values("pk"))
        .annotate(version_then=version_then(OuterRef("recommendation_id"), moment))
        .filter(Exists(opened))
    )


def status_counts_at(*, user: AnyUser, when: date | datetime, recommendations=None) -> dict[str, int]:
    """Number of recommendations per overall status at `when` (a date: the end of that day), as
    selectors.status_counts_as_of, in one query."""
    moment = selectors.end_of_day(when)
    per_recommendation = (
        parts_at(user=user, moment=moment, recommendations=recommendations)
        .order_by()
        .values("recommendation_id")
        .annotate(overall=Min(summary._rank_of_status()))
        .values("recommendation_id", "overall")
    )
    return _count(per_recommendation)


def _count(per_recommendation: QuerySet) -> dict[str, int]:
    """Recommendations per overall status, from rows of (recommendation_id, overall rank)."""
    sql, params = per_recommendation.query.sql_with_params()
    with connections[per_recommendation.db].cursor() as cursor:
        cursor.execute(f"SELECT overall, COUNT(*) FROM ({sql}) per_rec GROUP BY overall", params)  # noqa: S608
        found = dict(cursor.fetchall())
    counts = {s: 0 for s in Status.values}
    for rank, n in found.items():
        counts[summary.status_of(rank)] += n
    return counts


def status_counts_from_spans(*, user: AnyUser, when: date | datetime, recommendations=None) -> dict[str, int]:
    """status_counts_at read from the stored spans (models.OverallSpan, kept by every part write): the
    parts' MIN rank at the moment per key is one row, so no part's latest history row is looked up.
    The recommendation's rules are the same: visible now AND its version then open to the reader."""
    moment = selectors.end_of_day(when)
    spans = OverallSpan.objects.filter(Q(end__isnull=True) | Q(end__gt=moment), start__lte=moment)
    scope = lead_scope(user)
    if scope is not None:  # the confidential parts of another organ left out (selectors._hidden_part_ids)
        spans = spans.filter(Q(confidential=False) | Q(lead_id__in=scope))
    per_recommendation = (
        _recommendation_then_and_now(spans, user=user, moment=moment, recommendations=recommendations)
        .order_by()
        .values("recommendation_id")
        .annotate(overall=Min("rank"))
        .values("recommendation_id", "overall")
    )
    return _count(per_recommendation)


def snapshots_at(
    *, user: AnyUser, when: date | datetime, recommendations=None
) -> list[selectors.PartSnapshot]:
    """selectors.parts_as_of in one query: the parts as they stood at `when`, as plain rows (no model
    instances, no PastLayers read in chunks of 2,000 ids, so the query count does not grow)."""
    moment = selectors.end_of_day(when)
    rows = (
        parts_at(user=user, moment=moment, recommendations=recommendations)
        .order_by("recommendation_id", "side", "id")
        .values(*selectors.SNAPSHOT_FIELDS, "narrative", as_of=F("history_date"))
    )
    return [selectors.PartSnapshot(**row) for row in rows]
