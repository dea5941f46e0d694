"""The request as a document to send: DOCX (python-docx, as the reports) and PDF (WeasyPrint from the
same HTML the page prints). Both in the request's own language, whatever the page language."""

import io

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from coopreview.assistance.drafting import Requirements
from coopreview.assistance.models import AssistanceRequest


def _facts(request: AssistanceRequest, req: Requirements) -> list[tuple[str, str]]:
    return [
        (_("Reference"), request.reference),
        (_("From"), request.requesting_organ.display_name),
        (
            _("To"),
            f"{request.requested_state.display_name} — {req.authority}"
            if req.authority
            else request.requested_state.display_name,
        ),
        (_("Channel"), req.channel),
        (_("Legal basis"), req.legal_basis),
        (_("Kind of assistance"), request.get_kind_display()),
        (_("Deadline"), request.deadline.isoformat() if request.deadline else ""),
    ]


def render_docx(request: AssistanceRequest, req: Requirements) -> bytes:
    from docx import Document as new_document

    with translation.override(request.language):
        document = new_document()
        document.core_properties.title = request.reference
        document.add_heading(request.title, level=1)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in _facts(request, req):
            if value:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
        document.add_paragraph()
        for paragraph in request.body.split("\n\n"):
            document.add_paragraph(paragraph.strip())
        if req.requirements:
            document.add_heading(_("Requirements of the requested State"), level=2)
            document.add_paragraph(req.requirements)
        document.add_paragraph(_("Confidential"), style="Intense Quote")
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def render_pdf(request: AssistanceRequest, req: Requirements) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time and only PDFs need it

    with translation.override(request.language):
        html = render_to_string(
            "assistance/letter.html",
            {
                "r": request,
                "req": req,
                "facts": [f for f in _facts(request, req) if f[1]],
                "paragraphs": request.body.split("\n\n"),
            },
        )
    return HTML(string=html).write_pdf()
