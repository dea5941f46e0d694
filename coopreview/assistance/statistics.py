"""Learning from requests: counts and delays per State and per kind, and the obstacles met.

Anonymised for everyone but administrators: only figures, never a reference, subject or date; counts
below MIN_COUNT are suppressed, and so is a second group whenever one alone would let a reader work it
out from the total (secondary suppression). Delays are shown only for groups that are not suppressed.
Drafts never count: a request counts once it has been sent."""

from dataclasses import dataclass, field
from statistics import median

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from coopreview.assistance.enums import Kind, Status
from coopreview.assistance.models import AssistanceRequest, Obstacle

MIN_COUNT = 5


@dataclass
class Row:
    key: str
    label: str
    count: int
    acknowledge_days: float | None = None  # median days from sending to acknowledgement
    execute_days: float | None = None  # median days from sending to closing (executed or partly)
    suppressed: bool = False


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    total: int = 0
    total_suppressed: bool = False


def _median(values: list[int]) -> float | None:
    return round(float(median(values)), 1) if values else None


def _suppress(table: Table, *, exact: bool) -> Table:
    if exact:
        return table
    small = [r for r in table.rows if 0 < r.count < MIN_COUNT]
    for r in small:
        r.suppressed = True
    # One suppressed cell next to a published total is no suppression: hide the next smallest too.
    if len(small) == 1:
        others = sorted((r for r in table.rows if not r.suppressed and r.count > 0), key=lambda r: r.count)
        if others:
            others[0].suppressed = True
    for r in table.rows:
        if r.suppressed:
            r.count, r.acknowledge_days, r.execute_days = 0, None, None
    table.total_suppressed = 0 < table.total < MIN_COUNT
    if table.total_suppressed:
        table.total = 0
    return table


def _grouped(rows: list[dict], key: str, labels: dict[str, str], title: str, exact: bool) -> Table:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    table = Table(key=key, title=title, total=len(rows))
    for value, items in sorted(groups.items(), key=lambda kv: str(labels.get(kv[0], kv[0]))):
        ack = [(r["acknowledged_on"] - r["sent_on"]).days for r in items if r["acknowledged_on"]]
        done = [
            (r["closed_on"] - r["sent_on"]).days
            for r in items
            if r["closed_on"] and r["status"] in (Status.EXECUTED, Status.PARTLY_EXECUTED)
        ]
        table.rows.append(
            Row(
                key=str(value),
                label=str(labels.get(value, value)),
                count=len(items),
                acknowledge_days=_median(ack),
                execute_days=_median(done),
            )
        )
    return _suppress(table, exact=exact)


def request_statistics(*, exact: bool) -> dict[str, Table]:
    """Per State, per kind and per obstacle. `exact`: no suppression (administrators)."""
    sent = AssistanceRequest.objects.exclude(status=Status.DRAFT).filter(sent_on__isnull=False)
    rows = list(
        sent.values(
            "requested_state_id",
            "requested_state__name",
            "requested_state__name_fr",
            "kind",
            "status",
            "sent_on",
            "acknowledged_on",
            "closed_on",
        )
    )
    from django.utils.translation import get_language

    french = get_language() == "fr"
    states = {
        r["requested_state_id"]: (
            r["requested_state__name_fr"]
            if french and r["requested_state__name_fr"]
            else r["requested_state__name"]
        )
        for r in rows
    }
    kinds = dict(Kind.choices)
    statuses = dict(Status.choices)
    counted = Obstacle.objects.annotate(
        n=Count("requests", filter=Q(requests__in=sent.values("pk")), distinct=True)
    ).filter(n__gt=0)
    by_obstacle = {o.pk: o for o in counted}
    obstacle_table = Table(key="obstacle", title=_("Obstacles recorded on closing"))
    for o in sorted(by_obstacle.values(), key=lambda o: o.display_name):
        obstacle_table.rows.append(Row(key=str(o.pk), label=o.display_name, count=o.n))
    obstacle_table.total = sum(r.count for r in obstacle_table.rows)
    return {
        "state": _grouped(rows, "requested_state_id", states, _("Requests by requested State"), exact),
        "kind": _grouped(rows, "kind", kinds, _("Requests by kind of assistance"), exact),
        "status": _grouped(rows, "status", statuses, _("Requests by status"), exact),
        "obstacle": _suppress(obstacle_table, exact=exact),
    }
