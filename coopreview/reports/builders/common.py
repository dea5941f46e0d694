"""What every report shares: options, the selection of recommendations, rows and the flag legend."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby

from django.apps import apps
from django.db.models import F, Min
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.accounts.enums import Side
from coopreview.accounts.layers import PastLayers
from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import AnyUser
from coopreview.core.dates import EARLIEST, too_early_message
from coopreview.core.exceptions import ServiceError
from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.models import PriorityFlag, Recommendation, Section, in_flag_order
from coopreview.reports import followup_bridge
from coopreview.reports.enums import DEFAULT_COLUMNS, Column

FOLLOWUP_COLUMNS = {Column.STATUS, Column.LEAD, Column.VIEWS}


class ReportError(ServiceError):
    """Bad report parameters, or nothing to report: the message names the problem."""


@dataclass
class ReportOptions:
    user: AnyUser
    lang: str = "en"
    as_of: date | None = None
    since: date | None = None
    filters: rec_selectors.RecommendationFilters = field(default_factory=rec_selectors.RecommendationFilters)
    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    reference: str = ""
    title: str = ""
    with_followup: bool = False  # the progress report and the sheet need statuses whatever the columns

    @property
    def as_of_moment(self) -> datetime | None:
        """The end of the as-of day in the site's time zone: a status set that day counts."""
        if self.as_of is None:
            return None
        return timezone.make_aware(datetime.combine(self.as_of + timedelta(days=1), time.min)) - timedelta(
            microseconds=1
        )

    @property
    def since_moment(self) -> datetime | None:
        if self.since is None:
            return None
        return timezone.make_aware(datetime.combine(self.since, time.min))


@dataclass
class Flag:
    pk: int
    name: str
    colour: str  # "#RRGGBB"
    description: str = ""
    key: str = ""  # the flag's own name, whatever the document's language: the legend's order
    owner: str = ""  # whose flag: the organisation that sets it, or the source

    @property
    def hex(self) -> str:
        return self.colour.lstrip("#").upper()

    @property
    def label(self) -> str:
        """The flag with its owner, as flag cells print it: "Facilitation priority (Facilitation)"."""
        return f"{self.name} ({self.owner})" if self.owner else self.name


LONG_ROW_CHARS = 2500  # about half a landscape A4 page of the annex's text column


@dataclass
class Row:
    pk: int
    source: str
    reference: str
    text: str
    untranslated: bool
    addressee: str
    organs: list[str]
    flags: list[Flag]
    cluster: str
    section: str
    status: str = ""
    status_code: str = ""
    lead: str = ""
    views: list[str] = field(default_factory=list)
    narrative: str = ""
    parts: list = field(default_factory=list)

    @property
    def breakable(self) -> bool:
        """Too long to keep on one page: the PDF lets this row break (WeasyPrint stops repeating the
        header row after a row that must not break but cannot fit)."""
        return len(self.text) + len(self.narrative) > LONG_ROW_CHARS

    @property
    def colour(self) -> str | None:
        """The row's highlight: its first flag's colour (flags are in in_flag_order)."""
        return self.flags[0].colour if self.flags else None

    def cell(self, column: str) -> str:
        """The plain text of one column, as documents print it."""
        return {
            Column.REFERENCE: self.reference,
            Column.TEXT: self.text,
            Column.ADDRESSEE: self.addressee,
            Column.ORGAN: ", ".join(self.organs),
            Column.FLAGS: "\n".join(f.label for f in self.flags),
            Column.STATUS: self.status,
            Column.LEAD: self.lead,
            Column.VIEWS: "\n".join(self.views),
        }[column]


@dataclass
class Group:
    title: str
    rows: list[Row]


def untranslated_marker() -> str:
    return _("[EN]")


def check_dates(options: ReportOptions) -> None:
    today = timezone.localdate()
    for day in (options.as_of, options.since):
        if day is not None and day < EARLIEST:
            raise ReportError(too_early_message(day))
    if options.as_of and options.as_of > today:
        raise ReportError(_("The as-of date %(date)s is in the future.") % {"date": options.as_of})
    if options.since and options.since > (options.as_of or today):
        raise ReportError(
            _("The dates are in the wrong order: --since %(since)s is after the as-of date %(as_of)s.")
            % {"since": options.since, "as_of": options.as_of or today}
        )


def document_order(qs):
    """Source, then cluster (the outermost section), then section, then the natural order of references."""
    cluster_position = Coalesce(
        "section__parent__parent__position", "section__parent__position", "section__position"
    )
    cluster_id = Coalesce("section__parent__parent_id", "section__parent_id", "section_id")
    return qs.order_by(
        "source__symbol",
        cluster_position.asc(nulls_last=True),
        cluster_id,
        F("section__parent__position").asc(nulls_first=True),
        "section__parent_id",
        "section__position",
        "section_id",
        "reference_sort",
    )


CHUNK = 2000
FIELDS = ("pk", "source_id", "source__symbol", "reference", "text", "text_fr", "section_id")


@dataclass
class Rec:
    """A recommendation as reports read it: plain values, its addressees and flags (no model instance, so
    100,000 of them are read in seconds). `pk` as on models: followup's selectors take these too."""

    pk: int
    source_id: int
    source: str
    reference: str
    text: str
    text_fr: str
    section_id: int | None
    addressees: list = field(default_factory=list)
    flags: list = field(default_factory=list)


def select(options: ReportOptions, *, pk: int | None = None) -> list[Rec]:
    """The recommendations the user may see, filtered, in document order; existing at the as-of date."""
    qs = rec_selectors.recommendation_list(user=options.user, filters=options.filters)
    if pk is not None:
        qs = qs.filter(pk=pk)
    if options.as_of:
        moment = options.as_of_moment
        first = qs.order_by().aggregate(first=Min("created_at"))["first"]
        if first is not None and first > moment:
            raise ReportError(
                _("There is no data as of %(date)s: the earliest of these records dates from %(first)s.")
                % {"date": options.as_of, "first": timezone.localdate(first)}
            )
        qs = qs.filter(created_at__lte=moment)
    qs = document_order(qs.prefetch_related(None).select_related(None))
    recs = [Rec(*values) for values in qs.values_list(*FIELDS).iterator(chunk_size=CHUNK)]
    if not recs:
        raise ReportError(_("No recommendation matches this selection; there is nothing to report."))
    _attach(recs)
    if options.as_of:
        readable = PastLayers.load(
            user=options.user, model=Recommendation, ids=[r.pk for r in recs], until=options.as_of_moment
        )
        # the rule of that time AND of now: a record restricted then is left out, as the user saw it then
        recs = [r for r in recs if readable.open_at(r.pk, options.as_of_moment)]
        if not recs:
            raise ReportError(
                _("None of these recommendations was open to you on %(date)s: there is nothing to report.")
                % {"date": options.as_of}
            )
        for start in range(0, len(recs), CHUNK):
            _apply_history(recs[start : start + CHUNK], options.as_of_moment)
    return recs


def _attach(recs: list[Rec]) -> None:
    """Addressees and flags, one query per relation and chunk (within any database's parameter limit)."""
    organisations = {o.pk: o for o in Organisation.objects.all()}
    flags = {f.pk: f for f in PriorityFlag.objects.select_related("owner")}
    by_pk = {r.pk: r for r in recs}
    addressees = Recommendation.addressees.through.objects
    flagged = Recommendation.priority_flags.through.objects
    for start in range(0, len(recs), CHUNK):
        ids = [r.pk for r in recs[start : start + CHUNK]]
        rows = addressees.filter(recommendation_id__in=ids).values_list(
            "recommendation_id", "organisation_id"
        )
        for rec_id, org_id in rows:
            by_pk[rec_id].addressees.append(organisations[org_id])
        rows = flagged.filter(recommendation_id__in=ids).values_list("recommendation_id", "priorityflag_id")
        for rec_id, flag_id in rows:
            by_pk[rec_id].flags.append(flags[flag_id])
    for rec in recs:
        rec.flags = in_flag_order(rec.flags)


def _apply_history(recommendations: list[Rec], moment: datetime) -> None:
    """Texts and flags as they stood at `moment`, from the history (two queries)."""
    historical = Recommendation.history.model
    latest: dict[int, object] = {}
    records = historical.objects.filter(
        id__in=[r.pk for r in recommendations], history_date__lte=moment
    ).order_by("id", "-history_date", "-history_id")
    for record in records:
        latest.setdefault(record.id, record)
    flag_history = apps.get_model("recommendations", "HistoricalRecommendation_priority_flags")
    flags: dict[int, list] = {}
    rows = flag_history.objects.filter(history_id__in=[r.history_id for r in latest.values()])
    for row in rows.select_related("priorityflag"):
        flags.setdefault(row.history_id, []).append(row.priorityflag)
    for rec in recommendations:
        record = latest.get(rec.pk)
        if record is None:
            continue
        rec.text, rec.text_fr, rec.reference = record.text, record.text_fr, record.reference
        rec.flags = in_flag_order(flags.get(record.history_id, []))


def addressee_label(addressees: list) -> str:
    """As the annexes print it: "Court", "Assembly", "Assembly & Court", or the States named."""
    sides = {org.side for org in addressees}
    if Side.COURT in sides and Side.ASSEMBLY in sides:
        return _("Assembly & Court")
    parts = []
    if Side.COURT in sides:
        parts.append(_("Court"))
    if Side.ASSEMBLY in sides:
        parts.append(_("Assembly"))
    parts += sorted(o.display_name for o in addressees if o.side not in (Side.COURT, Side.ASSEMBLY))
    return ", ".join(parts)


def organ_names(addressees: list) -> list[str]:
    """The organs, bodies and States named (not the Court or the Assembly as a whole)."""
    return sorted(o.display_name for o in addressees if o.parent_id or o.side == Side.STATE)


def make_flag(flag, *, lang: str) -> Flag:
    # A French document shows the French description, else the English one: the legend stays complete.
    description = (flag.description_fr if lang == "fr" else "") or flag.description
    return Flag(
        pk=flag.pk,
        name=flag.display_name,
        colour=flag.colour.upper(),
        description=description,
        key=flag.name,
        owner=flag.owner_name,
    )


def _section_titles(recs: list[Rec]) -> dict[int | None, tuple[str, str]]:
    """(cluster title, full section path) per section id, in the current language."""
    other = _("Other recommendations")
    sections = {s.pk: s for s in Section.objects.filter(source_id__in={r.source_id for r in recs})}
    titles: dict[int | None, tuple[str, str]] = {None: (other, other)}
    for pk, section in sections.items():
        path, node = [], section
        while node is not None:
            path.append(node)
            node = sections.get(node.parent_id)
        path.reverse()
        titles[pk] = (path[0].display_title, " — ".join(s.display_title for s in path))
    return titles


def build_rows(recommendations: list[Rec], options: ReportOptions) -> list[Row]:
    lang = options.lang
    marker = untranslated_marker()
    titles = _section_titles(recommendations)
    flags: dict[int, Flag] = {}
    rows = []
    for rec in recommendations:
        untranslated = lang == "fr" and not rec.text_fr
        text = rec.text_fr if lang == "fr" and rec.text_fr else rec.text
        for f in rec.flags:
            if f.pk not in flags:
                flags[f.pk] = make_flag(f, lang=lang)
        cluster, section = titles.get(rec.section_id, titles[None])
        rows.append(
            Row(
                pk=rec.pk,
                source=rec.source,
                reference=rec.reference,
                text=f"{marker} {text}" if untranslated else text,
                untranslated=untranslated,
                addressee=addressee_label(rec.addressees),
                organs=organ_names(rec.addressees),
                flags=[flags[f.pk] for f in rec.flags],
                cluster=cluster,
                section=section,
            )
        )
    if options.with_followup or set(options.columns) & FOLLOWUP_COLUMNS:
        followup_bridge.add_followup(rows, options, recommendations)
    return rows


def group_rows(rows: list[Row], *, key: str = "section") -> list[Group]:
    """Consecutive rows of one section (or cluster); the source is named when several are reported."""
    several = len({r.source for r in rows}) > 1
    groups = []
    for (source, title), items in groupby(rows, key=lambda r: (r.source, getattr(r, key))):
        groups.append(Group(title=f"{source} — {title}" if several else title, rows=list(items)))
    return groups


def legend(rows: list[Row]) -> list[Flag]:
    seen: dict[int, Flag] = {}
    for row in rows:
        for flag in row.flags:
            seen.setdefault(flag.pk, flag)
    # in the order rows order their flags (in_flag_order): the same in every language and renderer
    return in_flag_order(seen.values())
