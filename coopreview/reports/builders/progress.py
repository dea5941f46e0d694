"""The progress report: counts by status per source and cluster (with a chart), each recommendation's
status and narrative as of a date, and what changed since a date (newest first)."""

from dataclasses import dataclass, field

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from coopreview.recommendations.models import Source
from coopreview.reports import followup_bridge
from coopreview.reports.builders.annex import Document, make_document
from coopreview.reports.builders.chart import stacked_bars
from coopreview.reports.builders.common import (
    Flag,
    Group,
    ReportError,
    ReportOptions,
    build_rows,
    check_dates,
    group_rows,
    legend,
    select,
)

# Colours of the statuses (chart, shaded counts), from "not started" greys to "implemented" green.
STATUS_COLOURS = {
    "": "#D9D9D9",
    "proposed": "#EDEDED",
    "categorised": "#DDEBF7",
    "assessed": "#BDD7EE",
    "action_planned": "#FFE699",
    "in_progress": "#F4B183",
    "implemented": "#A9D08E",
    "not_pursued": "#BFBFBF",
}


@dataclass
class StatusColumn:
    code: str
    label: str
    colour: str

    @property
    def hex(self) -> str:
        return self.colour.lstrip("#").upper()


@dataclass
class CountRow:
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class CountTable:
    source: str
    rows: list[CountRow]
    total: CountRow


@dataclass
class ChangeLine:
    when: str
    who: str
    what: str
    label: str
    details: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class ProgressReport:
    doc: Document
    statuses: list[StatusColumn]
    tables: list[CountTable]
    chart_svg: str
    groups: list[Group]
    legend: list[Flag]
    changes: list[ChangeLine]
    labels: dict[str, str]
    since_text: str = ""

    @property
    def rows(self):
        return [row for group in self.groups for row in group.rows]


def _status_columns() -> list[StatusColumn]:
    from coopreview.followup.enums import STATUS_ORDER, Status

    codes = [*STATUS_ORDER, Status.NOT_PURSUED]
    columns = [StatusColumn(str(c), str(Status(c).label), STATUS_COLOURS[str(c)]) for c in codes]
    return [*columns, StatusColumn("", _("Not yet categorised"), STATUS_COLOURS[""])]


def _count(rows, statuses: list[StatusColumn], label: str) -> CountRow:
    index = {s.code: i for i, s in enumerate(statuses)}
    counts = [0] * len(statuses)
    for row in rows:
        counts[index.get(row.status_code, index[""])] += 1
    return CountRow(label=label, counts=counts)


def _tables(rows, statuses) -> list[CountTable]:
    tables = []
    for source in dict.fromkeys(r.source for r in rows):
        mine = [r for r in rows if r.source == source]
        clusters = [
            _count(list(group.rows), statuses, group.title) for group in group_rows(mine, key="cluster")
        ]
        tables.append(CountTable(source=source, rows=clusters, total=_count(mine, statuses, _("Total"))))
    return tables


def _changes(options: ReportOptions, recommendations) -> list[ChangeLine]:
    from coopreview.followup.selectors import changes_between

    end = options.as_of or timezone.localdate()
    kinds = {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}
    lines = []
    for change in changes_between(
        user=options.user, start=options.since, end=end, recommendations=recommendations
    ):
        lines.append(
            ChangeLine(
                when=formats.date_format(timezone.localtime(change.when), "j F Y H:i"),
                who=change.who,
                what=f"{change.what.capitalize()} {kinds[change.kind]}",
                label=change.label,
                details=[f"{label}: {old} → {new}" for label, old, new in change.changes],
                reason=change.reason,
            )
        )
    return lines  # newest first, as changes_between returns them


def build_progress(options: ReportOptions) -> ProgressReport:
    with translation.override(options.lang):
        if not followup_bridge.available():
            raise ReportError(_("The progress report needs the follow-up module, which is not installed."))
        check_dates(options)
        options.with_followup = True
        recommendations = select(options)
        rows = build_rows(recommendations, options)
        statuses = _status_columns()
        tables = _tables(rows, statuses)
        sources = list(
            Source.objects.filter(pk__in={r.source_id for r in recommendations}).order_by("symbol")
        )
        doc = make_document(
            options,
            kind="progress",
            title=options.title or _("Progress report on the implementation of the recommendations"),
            symbols=[s.symbol for s in sources],
            subtitle=sources[0].display_title if len(sources) == 1 else "",
        )
        bars = [(r.label, r.counts) for table in tables for r in table.rows]
        chart = stacked_bars(
            title=_("Recommendations by status and cluster"),
            bars=bars,
            series=[(s.label, s.colour) for s in statuses],
        )
        since_text = formats.date_format(options.since, "j F Y") if options.since else ""
        return ProgressReport(
            doc=doc,
            statuses=statuses,
            tables=tables,
            chart_svg=chart,
            groups=group_rows(rows),
            legend=legend(rows),
            changes=_changes(options, recommendations) if options.since else [],
            since_text=since_text,
            labels={
                "counts": _("Recommendations by status"),
                "cluster": _("Cluster"),
                "total": _("Total"),
                "statuses": _("Status of each recommendation as of %(date)s") % {"date": doc.date_text},
                "changes": _("Changes since %(date)s") % {"date": since_text},
                "no_changes": _("No change in the follow-up over this period."),
                "reference": _("No."),
                "text": _("Recommendation"),
                "status": _("Status"),
                "lead": _("Lead"),
                "narrative": _("Narrative"),
                "when": _("Date"),
                "who": _("By"),
                "what": _("Change"),
                "record": _("Record"),
                "details": _("Details"),
            },
        )
