"""The annex table a facilitation circulates: recommendations grouped by cluster, flagged rows in colour."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from coopreview.recommendations.models import Source
from coopreview.reports import followup_bridge
from coopreview.reports.builders.common import (
    FOLLOWUP_COLUMNS,
    Flag,
    Group,
    ReportError,
    ReportOptions,
    Row,
    build_rows,
    check_dates,
    group_rows,
    legend,
    select,
    untranslated_marker,
)
from coopreview.reports.enums import Column


@dataclass
class Document:
    """What every document prints around its body: title, symbol, date, language, running labels."""

    kind: str
    lang: str
    title: str
    symbol: str
    subtitle: str
    date: date
    date_text: str
    labels: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class AnnexReport:
    doc: Document
    columns: list[tuple[str, str]]
    groups: list[Group]
    legend: list[Flag]

    cluster_label: str = ""
    sheet_label: str = ""

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    def iter_rows(self) -> Iterator[Row]:
        for group in self.groups:
            yield from group.rows

    def iter_groups(self, *, key: str = "section") -> list[Group]:
        return group_rows(self.rows, key=key) if key != "section" else self.groups


def document_labels() -> dict[str, str]:
    """Running labels of every document, translated once in the report's language."""
    return {
        "page": _("Page"),
        "of": _("of"),
        "legend": _("Legend"),
        "as_of": _("As of"),
        "generated": _("Generated on"),
        "cluster": _("Cluster"),
        "source": _("Source"),
        "reference": _("Reference"),
    }


def make_document(options: ReportOptions, *, kind: str, title: str, symbols: list[str], subtitle: str = ""):
    when = options.as_of or timezone.localdate()
    notes = []
    if options.lang == "fr":
        notes.append(
            _("%(marker)s: no French translation yet; the original text is shown.")
            % {"marker": untranslated_marker()}
        )
    return Document(
        kind=kind,
        lang=options.lang,
        title=title,
        symbol=", ".join(symbols),
        subtitle=subtitle,
        date=when,
        date_text=formats.date_format(when, "j F Y"),
        labels=document_labels(),
        notes=notes,
    )


def filter_description(options: ReportOptions) -> str:
    f = options.filters
    parts = []
    if f.section:
        parts.append(f.section.display_title)
    if f.theme:
        parts.append(_("Theme: %(theme)s") % {"theme": f.theme.display_name})
    if f.flag:
        parts.append(_("Priority: %(flag)s") % {"flag": f.flag.display_name})
    if f.organ:
        parts.append(_("Addressed to: %(organ)s") % {"organ": f.organ.display_name})
    if f.q:
        parts.append(_("Search: “%(q)s”") % {"q": f.q})
    return " · ".join(parts)


def build_annex(options: ReportOptions) -> AnnexReport:
    with translation.override(options.lang):
        check_dates(options)
        missing = [c for c in options.columns if c in FOLLOWUP_COLUMNS and not followup_bridge.available()]
        if missing:
            raise ReportError(
                _("The column(s) %(columns)s need the follow-up module, which is not installed.")
                % {"columns": ", ".join(missing)}
            )
        recommendations = select(options)
        rows = build_rows(recommendations, options)
        sources = list(
            Source.objects.filter(pk__in={r.source_id for r in recommendations}).order_by("symbol")
        )
        subtitle = sources[0].display_title if len(sources) == 1 else ""
        description = filter_description(options)
        doc = make_document(
            options,
            kind="annex",
            title=options.title or _("Annex — List of recommendations"),
            symbols=[s.symbol for s in sources],
            subtitle=" · ".join(p for p in (subtitle, description) if p),
        )
        columns = [(c, str(Column(c).label)) for c in options.columns]
        has_legend = Column.FLAGS in options.columns or any(r.flags for r in rows)
        return AnnexReport(
            doc=doc,
            columns=columns,
            groups=group_rows(rows),
            legend=legend(rows) if has_legend else [],
            cluster_label=_("Cluster"),
            sheet_label=_("Recommendations"),
        )
