"""Knowledge fixtures: one entry per access layer of each kind, and real PDF/DOCX bytes."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coopreview.knowledge import services
from coopreview.knowledge.enums import Measure, Visibility


def make_pdf(text: str) -> bytes:
    """A minimal one-page PDF with `text` in Helvetica (byte offsets computed, so readers accept it)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_encrypted_pdf(text: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(text))).pages:
        writer.add_page(page)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def knowledge_data(orgs, editor):
    """Per kind, one public, one members-only and one restricted (to the OTP) entry. The hidden ones
    carry code words (zebracode: members; quokkacode: restricted) that must never reach outsiders."""
    today = timezone.localdate()
    sen_witness = services.profile_create(
        state=orgs["SEN"],
        measure=Measure.WITNESS_PROTECTION,
        by=editor,
        competent_authority="Ministry of Justice",
        requirements="Requests for witness relocation are written in French.",
        requirements_fr="Les demandes de réinstallation de témoins sont rédigées en français.",
        contact_details="Call secretline 555-0100",
        last_verified_on=today - timedelta(days=10),
        last_verified_by=editor,
    )
    fra_members = services.profile_create(
        state=orgs["FRA"],
        measure=Measure.ASSETS,
        by=editor,
        visibility=Visibility.MEMBERS,
        requirements="zebracode asset freezing requirements",
        last_verified_on=today - timedelta(days=800),
    )
    alb_restricted = services.profile_create(
        state=orgs["ALB"],
        measure=Measure.EVIDENCE,
        by=editor,
        visibility=Visibility.RESTRICTED,
        restricted_to=[orgs["OTP"]],
        requirements="quokkacode evidence requirements",
    )
    practices = {
        "public": services.practice_create(
            by=editor, title="Public practice on witness relocation", body="<p>Shared openly.</p>"
        ),
        "members": services.practice_create(
            by=editor, title="zebracode practice", visibility=Visibility.MEMBERS, tags="secret-topic"
        ),
        "restricted": services.practice_create(
            by=editor,
            title="quokkacode practice",
            visibility=Visibility.RESTRICTED,
            restricted_to=[orgs["OTP"]],
            tags="hidden-topic",
        ),
    }
    decision = services.case_law_create(
        by=editor,
        title="Decision on witness relocation",
        title_fr="Décision sur la réinstallation des témoins",
        summary="Relocation of witnesses and cooperation.",
        summary_fr="Réinstallation des témoins et coopération.",
        chamber="Trial Chamber",
        date=date(2020, 1, 15),
        document_number="ICC-01/01-01/01-1",
        topics="witness protection",
        profiles=[sen_witness],
    )
    hidden_decision = services.case_law_create(
        by=editor, title="quokkacode decision", visibility=Visibility.RESTRICTED, restricted_to=[orgs["OTP"]]
    )
    documents = {
        "public": services.document_upload(
            by=editor,
            title="Public guide",
            upload=SimpleUploadedFile("guide.pdf", make_pdf("platypus guide")),
        ),
        "members": services.document_upload(
            by=editor,
            title="zebracode memo",
            visibility=Visibility.MEMBERS,
            upload=SimpleUploadedFile("memo.docx", make_docx("zebracode memo text")),
        ),
        "restricted": services.document_upload(
            by=editor,
            title="quokkacode brief",
            visibility=Visibility.RESTRICTED,
            restricted_to=[orgs["OTP"]],
            upload=SimpleUploadedFile("brief.pdf", make_pdf("quokkacode brief")),
        ),
    }
    return {
        "profiles": {"public": sen_witness, "members": fra_members, "restricted": alb_restricted},
        "practices": practices,
        "decision": decision,
        "hidden_decision": hidden_decision,
        "documents": documents,
    }
