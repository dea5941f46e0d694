"""Checks and text extraction for uploaded documents. The type is decided by the content, not the name."""

import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from coopreview.core.exceptions import ServiceError
from coopreview.knowledge import conf
from coopreview.knowledge.enums import DocumentType

MAX_EXTRACTED_CHARS = 2_000_000  # a bound on what one document adds to the index


@dataclass
class CheckedFile:
    file_type: str
    content: bytes
    text: str


def _sniff(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return DocumentType.PDF
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DocumentType.DOCX
        except zipfile.BadZipFile:
            return None
    return None


def _extract_pdf(content: bytes, filename: str) -> str:
    import pdfplumber
    from pypdf import PdfReader

    try:
        if PdfReader(io.BytesIO(content)).is_encrypted:
            raise ServiceError(_("%(name)s is encrypted: upload an unprotected copy.") % {"name": filename})
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            parts: list[str] = []
            for page in pdf.pages:
                parts.append(page.extract_text() or "")
                if sum(map(len, parts)) > MAX_EXTRACTED_CHARS:
                    break
    except ServiceError:
        raise
    except Exception as exc:  # a damaged file: pdfminer raises many kinds of errors
        raise ServiceError(_("%(name)s could not be read as a PDF file.") % {"name": filename}) from exc
    return "\n".join(parts)[:MAX_EXTRACTED_CHARS]


def _extract_docx(content: bytes, filename: str) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:
        raise ServiceError(_("%(name)s could not be read as a DOCX file.") % {"name": filename}) from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)[:MAX_EXTRACTED_CHARS]


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Refuse oversized, encrypted, unknown or mislabelled files (ServiceError naming the file)."""
    name = upload.name or "file"
    limit = conf.upload_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ServiceError(
            _("%(name)s is too large (%(size)s; the limit is %(limit)s).")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ServiceError(
            _("%(name)s is too large (the limit is %(limit)s).")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    if content.startswith(b"\xd0\xcf\x11\xe0"):  # OLE container: what Word uses for encrypted DOCX
        raise ServiceError(
            _("%(name)s is encrypted or in an old Word format: upload an unprotected PDF or DOCX.")
            % {"name": name}
        )
    detected = _sniff(content)
    if detected is None:
        raise ServiceError(_("%(name)s is neither a PDF nor a DOCX file.") % {"name": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension != detected:
        raise ServiceError(
            _("%(name)s is named as .%(ext)s but its content is %(type)s: rename or convert it.")
            % {"name": name, "ext": extension or "?", "type": detected.upper()}
        )
    text = _extract_pdf(content, name) if detected == DocumentType.PDF else _extract_docx(content, name)
    return CheckedFile(file_type=detected, content=content, text=text)
