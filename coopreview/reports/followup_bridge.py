"""The follow-up columns and sections of reports, read from followup's selectors (never its tables directly
for lists: parts, actions and updates come filtered by what the user may see)."""

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.utils import formats, timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from coopreview.reports.builders.common import ReportOptions, Row

CHUNK = 2000


def available() -> bool:
    return apps.is_installed("coopreview.followup")


@dataclass
class PartLine:
    addressee: str
    status: str
    status_code: str
    lead: str
    narrative: str


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parts(options: "ReportOptions", recommendations) -> dict[int, list]:
    from coopreview.followup import selectors as fs

    by_rec: dict[int, list] = defaultdict(list)
    for chunk in _chunks(recommendations):
        if options.as_of_moment:
            parts = fs.parts_as_of(user=options.user, when=options.as_of_moment, recommendations=chunk)
        else:
            parts = fs.parts_visible_to(user=options.user).filter(recommendation__in=[r.pk for r in chunk])
        for part in parts:
            by_rec[part.recommendation_id].append(part)
    return by_rec


def _views(options: "ReportOptions", recommendations) -> dict[int, list[str]]:
    """Each organisation's view as it stood at the as-of date (from the history), else as it is."""
    from coopreview.followup.models import StakeholderView

    history = StakeholderView.history.model
    result: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(recommendations):
        ids = [r.pk for r in chunk]
        if options.as_of_moment:
            latest: dict[int, object] = {}
            records = history.objects.filter(
                recommendation_id__in=ids, history_date__lte=options.as_of_moment
            )
            for record in records.order_by("id", "-history_date", "-history_id"):
                latest.setdefault(record.id, record)
            views = [v for v in latest.values() if v.history_type != "-"]
        else:
            views = list(StakeholderView.objects.filter(recommendation_id__in=ids))
        for view in sorted(views, key=lambda v: v.organisation_id):
            result[view.recommendation_id].append(view)
    return result


def add_followup(rows: "list[Row]", options: "ReportOptions", recommendations=None) -> None:
    """Set status, lead, views, narrative and parts on `rows`, as of `options.as_of` when given."""
    if not available() or recommendations is None:
        return
    from coopreview.accounts.models import Organisation
    from coopreview.followup.enums import Category, Status
    from coopreview.followup.selectors import overall_status

    parts = _parts(options, recommendations)
    views = _views(options, recommendations)
    names = {o.pk: o.display_name for o in Organisation.objects.only("pk", "name", "name_fr")}
    for row in rows:
        mine = parts.get(row.pk, [])
        code = overall_status(p.status for p in mine) or ""
        row.status_code = code
        row.status = str(Status(code).label) if code else _("Not yet categorised")
        row.lead = ", ".join(dict.fromkeys(names.get(p.lead_id, "") for p in mine if p.lead_id))
        row.parts = [
            PartLine(
                addressee=names.get(p.addressee_id, ""),
                status=str(Status(p.status).label),
                status_code=p.status,
                lead=names.get(p.lead_id, "") if p.lead_id else "",
                narrative=p.narrative,
            )
            for p in mine
        ]
        row.narrative = "\n".join(
            f"{line.addressee}: {line.narrative}" if len(mine) > 1 else line.narrative
            for line in row.parts
            if line.narrative
        )
        row.views = [
            f"{names.get(v.organisation_id, '')}: {v.position}"
            + (f" ({Category(v.category).label})" if v.category else "")
            for v in views.get(row.pk, [])
        ]


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


def sheet_sections(recommendation, options: "ReportOptions", *, parts_then: list | None = None) -> list:
    """(title, [lines]) sections of the sheet: categorisation, parts per addressee, views, actions and their
    updates, status history. Everything through followup's selectors for this (visible) recommendation."""
    if not available():
        return []
    from coopreview.followup import selectors as fs
    from coopreview.followup.enums import Status

    data = fs.recommendation_followup(user=options.user, recommendation=recommendation)
    moment = options.as_of_moment
    sections = []
    cat = data.categorisation
    if cat is not None:
        line = str(cat.get_category_display())
        if cat.approved:
            line += " — " + _("approved by %(who)s on %(date)s") % {
                "who": cat.approved_by,
                "date": formats.date_format(cat.approved_on, "j F Y") if cat.approved_on else "—",
            }
        else:
            line += " — " + _("proposed, not yet approved")
        sections.append((_("Categorisation"), [line] + ([cat.rationale] if cat.rationale else [])))
    row_parts = parts_then  # with an as-of date: the parts as they stood then
    if row_parts is None:
        row_parts = [
            PartLine(
                addressee=p.addressee.display_name,
                status=str(Status(p.status).label),
                status_code=p.status,
                lead=p.lead.display_name if p.lead else "",
                narrative=p.narrative,
            )
            for p in data.parts
        ]
    part_lines = []
    for part in row_parts:
        text = f"{part.addressee} — {part.status}"
        if part.lead:
            text += " · " + _("lead: %(lead)s") % {"lead": part.lead}
        if part.narrative:
            text += f"\n{part.narrative}"
        part_lines.append(text)
    sections.append((_("Parts per addressee"), part_lines))
    sections.append(
        (
            _("Stakeholder views"),
            [
                f"{v.organisation.display_name}: {v.position}"
                + (f" ({v.get_category_display()})" if v.category else "")
                + (f"\n{v.rationale}" if v.rationale else "")
                for v in data.views
                if moment is None or v.created_at <= moment
            ],
        )
    )
    action_lines = []
    for action in data.actions:
        if moment is not None and action.created_at > moment:
            continue
        text = f"{action.title} — {action.progress} %"
        if action.lead:
            text += " · " + _("lead: %(lead)s") % {"lead": action.lead.display_name}
        if action.due:
            text += " · " + _("due %(date)s") % {"date": formats.date_format(action.due, "j F Y")}
        for update in getattr(action, "visible_updates", []):
            if moment is not None and update.created_at > moment:
                continue
            text += f"\n{_when(update.created_at)} — {update.get_state_display()}: {update.text}"
        action_lines.append(text)
    sections.append((_("Actions and progress updates"), action_lines))
    transitions = [
        f"{_when(t.at)} — {t.part.addressee.display_name}: {t.get_from_status_display()} → "
        f"{t.get_to_status_display()}" + (f" ({t.reason})" if t.reason else "")
        for t in sorted(data.transitions, key=lambda t: t.at, reverse=True)
        if moment is None or t.at <= moment
    ]
    sections.append((_("Status history"), transitions))
    return sections
