"""One recommendation in full: its fields, parts per addressee, history, actions, updates, meetings."""

from dataclasses import dataclass, field

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from coopreview.core.history import history_timeline, withheld
from coopreview.recommendations import selectors as rec_selectors
from coopreview.reports import followup_bridge
from coopreview.reports.builders.annex import Document, make_document
from coopreview.reports.builders.common import (
    Flag,
    ReportError,
    ReportOptions,
    Row,
    build_rows,
    check_dates,
    select,
)


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class HistoryItem:
    when: str
    who: str
    what: str
    reason: str
    changes: list[str]


@dataclass
class SheetReport:
    doc: Document
    row: Row
    facts: list[Fact]
    history: list[HistoryItem]
    legend: list[Flag]
    sections: list = field(default_factory=list)  # follow-up sections: (title, [lines])
    history_title: str = ""
    columns_label_reference: str = ""


def find_recommendation(options: ReportOptions):
    if not options.reference:
        raise ReportError(_("The sheet needs a recommendation reference (--reference)."))
    qs = rec_selectors.recommendations_visible_to(user=options.user).filter(reference=options.reference)
    if options.filters.source:
        qs = qs.filter(source=options.filters.source)
    matches = list(qs.select_related("source")[:20])
    if not matches:
        # The same message whether it does not exist or the user may not see it: nothing leaks.
        raise ReportError(
            _("No recommendation with the reference “%(ref)s” is available to you.")
            % {"ref": options.reference}
        )
    if len(matches) > 1:
        raise ReportError(
            _("The reference “%(ref)s” exists in several sources (%(sources)s): choose one with --source.")
            % {"ref": options.reference, "sources": ", ".join(sorted(m.source.symbol for m in matches))}
        )
    return rec_selectors.recommendation_get(user=options.user, pk=matches[0].pk)


def _history(rec, options: ReportOptions) -> list[HistoryItem]:
    if not options.user.has_perm("recommendations.view_history"):
        return []
    kinds = {"created": _("Created"), "changed": _("Changed"), "deleted": _("Deleted")}
    items = []
    for entry in history_timeline(rec, user=options.user):
        if options.as_of_moment and entry.when > options.as_of_moment:
            continue
        items.append(
            HistoryItem(
                when=formats.date_format(timezone.localtime(entry.when), "j F Y H:i"),
                who=entry.who,
                what=kinds[entry.kind],
                reason=withheld() if entry.withheld else entry.reason,
                changes=[f"{c.label}: {c.old} → {c.new}" for c in entry.changes],
            )
        )
    return items


def build_sheet(options: ReportOptions) -> SheetReport:
    with translation.override(options.lang):
        check_dates(options)
        rec = find_recommendation(options)
        if options.as_of_moment and rec.created_at > options.as_of_moment:
            raise ReportError(
                _("There is no data as of %(date)s: this recommendation was recorded on %(first)s.")
                % {"date": options.as_of, "first": timezone.localdate(rec.created_at)}
            )
        options.with_followup = True
        [row] = build_rows(select(options, pk=rec.pk), options)
        path = rec.section.path if rec.section else []
        facts = [
            Fact(_("Source"), f"{rec.source.symbol} — {rec.source.display_title}"),
            Fact(_("Cluster / section"), " — ".join(s.display_title for s in path) or "—"),
            Fact(_("Addressees"), ", ".join(o.display_name for o in rec.addressees.all()) or "—"),
            Fact(_("Recommended by"), ", ".join(o.display_name for o in rec.recommended_by.all()) or "—"),
            Fact(_("Response"), rec.get_response_display() or "—"),
            Fact(_("Priorities"), ", ".join(f.name for f in row.flags) or "—"),
            Fact(_("Themes"), ", ".join(t.display_name for t in rec.themes.all()) or "—"),
        ]
        if row.status_code or followup_bridge.available():
            facts.append(Fact(_("Status"), row.status))
        if rec.page:
            facts.append(Fact(_("Page"), str(rec.page)))
        doc = make_document(
            options,
            kind="sheet",
            title=_("Recommendation %(ref)s") % {"ref": rec.reference},
            symbols=[rec.source.symbol],
            subtitle=rec.source.display_title,
        )
        report = SheetReport(
            doc=doc,
            row=row,
            facts=facts,
            history=_history(rec, options),
            legend=row.flags,
            history_title=_("History"),
            columns_label_reference=_("Recommendation"),
        )
        report.sections = followup_bridge.sheet_sections(
            rec, options, parts_then=row.parts if options.as_of else None
        )
        report.sections += _meeting_sections(rec, options)
        return report


def _meeting_sections(rec, options: ReportOptions) -> list:
    """Meetings where the recommendation was discussed (those the user may see) and what was decided."""
    from coopreview.meetings.selectors import recommendation_discussions

    items = recommendation_discussions(user=options.user, recommendation=rec)
    if options.as_of_moment:
        items = [item for item in items if item.meeting.start <= options.as_of_moment]
    lines = []
    for item in items:
        start = timezone.localtime(item.meeting.start)
        line = f"{formats.date_format(start, 'DATE_FORMAT')} — {item.meeting.title}: {item.title}"
        decided = "; ".join(d.text for d in item.decisions.all())
        lines.append(f"{line}. {_('Decided')}: {decided}" if decided else line)
    return [(_("Meetings where discussed"), lines)] if lines else []
