"""The agenda and the minutes of a meeting as PDF (WeasyPrint, from an HTML template) and DOCX
(python-docx). Small and self-contained; each reader gets only the agenda items they may see."""

from io import BytesIO
from pathlib import Path

from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopreview.meetings.models import AgendaItem, Meeting

STYLESHEET = Path(__file__).resolve().parent / "data" / "export.css"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _title(meeting: Meeting, document: str) -> str:
    return (_("Minutes: %(title)s") if document == "minutes" else _("Agenda: %(title)s")) % {
        "title": meeting.title
    }


def _when(meeting: Meeting) -> str:
    from django.utils import timezone

    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end)
    zone = timezone.get_current_timezone_name()
    start_text = formats.date_format(start, "DATETIME_FORMAT")
    return f"{start_text} – {formats.time_format(end, 'TIME_FORMAT')} ({zone})"


def agenda_pdf(
    *, meeting: Meeting, items: list[AgendaItem], document: str, request: HttpRequest | None
) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(
        "meetings/export.html",
        {
            "meeting": meeting,
            "items": items,
            "minutes": document == "minutes",
            "title": _title(meeting, document),
            "when": _when(meeting),
        },
        request=request,
    )
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def agenda_docx(*, meeting: Meeting, items: list[AgendaItem], document: str) -> bytes:
    from docx import Document

    doc = Document()
    doc.core_properties.title = _title(meeting, document)
    doc.add_heading(_title(meeting, document), level=0)
    doc.add_paragraph(_when(meeting))
    if meeting.place or meeting.online_link:
        doc.add_paragraph(", ".join(x for x in (meeting.place, meeting.online_link) if x))
    sessions = list(meeting.sessions.all())
    if sessions:
        doc.add_heading(_("Sessions"), level=1)
        for s in sessions:
            from django.utils import timezone

            line = f"{timezone.localtime(s.start):%H:%M}–{timezone.localtime(s.end):%H:%M} {s.title}"
            if s.room:
                line += f" ({s.room})"
            doc.add_paragraph(line, style="List Bullet")
    doc.add_heading(_("Agenda"), level=1)
    for n, item in enumerate(items, start=1):
        doc.add_heading(f"{n}. {item.title}", level=2)
        if item.linked:
            doc.add_paragraph(
                ngettext("Recommendation %(refs)s", "Recommendations %(refs)s", len(item.linked))
                % {"refs": item.linked_references}
            )
        if item.action:
            doc.add_paragraph(_("Follow-up action") + ": " + item.action.title)
        if item.description:
            doc.add_paragraph(item.description)
        if document == "minutes":
            if item.minutes:
                doc.add_paragraph(item.minutes)
            for decision in item.decisions.all():
                para = doc.add_paragraph()
                para.add_run(_("Decision: ")).bold = True
                para.add_run(decision.text)
                for change in decision.changes.all():
                    doc.add_paragraph(str(change), style="List Bullet")
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def export(
    *, meeting: Meeting, items: list[AgendaItem], document: str, fmt: str, request: HttpRequest | None = None
) -> tuple[bytes, str]:
    if document not in ("agenda", "minutes"):
        raise Http404
    if fmt == "pdf":
        return agenda_pdf(meeting=meeting, items=items, document=document, request=request), "application/pdf"
    if fmt == "docx":
        return agenda_docx(meeting=meeting, items=items, document=document), DOCX_TYPE
    raise Http404
