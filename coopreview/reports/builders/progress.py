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
class ChangeGroup:
    """The changes to one recommendation (or one action), as sentences, newest first."""

    heading: str
    sentences: list[str]


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
    change_groups: list[ChangeGroup] = field(default_factory=list)

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


def _followup_changes(options: ReportOptions, recommendations) -> list:
    from coopreview.followup.selectors import changes_between

    if not options.since:
        return []
    end = options.as_of or timezone.localdate()
    return changes_between(user=options.user, start=options.since, end=end, recommendations=recommendations)


def _changes(changes: list) -> list[ChangeLine]:
    kinds = {"created": _("created"), "changed": _("changed"), "deleted": _("deleted")}
    lines = []
    for change in changes:
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


def _short(value: str, limit: int = 120) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _organisation_of(usernames: set[str]) -> dict[str, str]:
    """Who acted, named by organisation (the first of their memberships), else by user name."""
    from coopreview.accounts.models import Membership, Organisation

    names: dict[str, int] = {}
    for username, org in (
        Membership.objects.filter(user__username__in=usernames)
        .select_related("organisation")
        .order_by("user__username", "pk")
        .values_list("user__username", "organisation__pk")
    ):
        names.setdefault(username, org)
    orgs = {o.pk: o.display_name for o in Organisation.objects.filter(pk__in=set(names.values()))}
    return {u: orgs.get(names.get(u), u) for u in usernames}


def _sentences(change, *, by: str) -> list[str]:
    """ "Status moved from Assessed to In progress on 3 March 2026 by Office of the Prosecutor." """
    date = formats.date_format(timezone.localtime(change.when), "j F Y")
    base = {"date": date, "by": by}
    _rec, _sep, part_of = change.label.partition(" · ")
    about = (
        (" (" + _("%(what)s of %(name)s") % {"what": change.what, "name": part_of} + ")") if part_of else ""
    )
    sentences = []
    for label, old, new in change.changes:
        values = {**base, "field": label[:1].upper() + label[1:], "old": _short(old), "new": _short(new)}
        if old in ("", "—", None) and change.kind == "created":
            text = _("%(field)s set to %(new)s on %(date)s by %(by)s") % values
        elif new in ("", "—", None):
            text = _("%(field)s cleared on %(date)s by %(by)s") % values
        else:
            text = _("%(field)s moved from %(old)s to %(new)s on %(date)s by %(by)s") % values
        sentences.append(text + about + ".")
    if not sentences:
        what = change.what[:1].upper() + change.what[1:]
        template = {
            "created": _("%(what)s created on %(date)s by %(by)s"),
            "deleted": _("%(what)s deleted on %(date)s by %(by)s"),
        }.get(change.kind, _("%(what)s changed on %(date)s by %(by)s"))
        sentences.append(template % {**base, "what": what} + about + ".")
    return sentences


def _change_groups(changes: list, rows) -> list[ChangeGroup]:
    """The changes since the date as sentences grouped by recommendation, in the document's order
    (then the actions), each group newest first."""
    organisations = _organisation_of({c.username for c in changes if c.username})
    order = {row.pk: i for i, row in enumerate(rows)}
    headings = {row.pk: f"{row.source} {row.reference}" for row in rows}
    groups: dict[tuple, ChangeGroup] = {}
    for change in changes:
        rec_id = change.recommendation_ids[0] if change.recommendation_ids else None
        if rec_id is not None and rec_id in order:
            key, heading = (0, order[rec_id]), headings[rec_id]
        else:
            what = change.what[:1].upper() + change.what[1:]
            key, heading = (1, change.label), f"{what}: {_short(change.label, 80)}"
        group = groups.setdefault(key, ChangeGroup(heading=heading, sentences=[]))
        group.sentences += _sentences(change, by=organisations.get(change.username, change.who))
    return [groups[key] for key in sorted(groups, key=lambda k: (k[0], k[1] if k[0] == 0 else 0, str(k[1])))]


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
        changes = _followup_changes(options, recommendations)
        return ProgressReport(
            doc=doc,
            statuses=statuses,
            tables=tables,
            chart_svg=chart,
            groups=group_rows(rows),
            legend=legend(rows),
            changes=_changes(changes),
            change_groups=_change_groups(changes, rows),
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
