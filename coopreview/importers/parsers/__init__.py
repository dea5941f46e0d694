"""One parser per kind of document; `detect_format` looks at the content, not only the name."""

from __future__ import annotations

import importlib
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from coopreview.importers.parsers import limits
from coopreview.importers.parsers.base import ImportFileError, ParsedRecord, ParseResult, Place, Problem

FORMATS = ("pdf", "docx", "xlsx", "csv", "json", "annex-text")
MODULES = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "csv": "csv",
    "json": "json",
    "annex-text": "annex_text",
}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

__all__ = [
    "FORMATS",
    "ImportFileError",
    "ParseResult",
    "ParsedRecord",
    "Place",
    "Problem",
    "detect_format",
    "parse",
]


def detect_format(path: Path, *, file: str | None = None) -> str:
    """The format by content: magic bytes, the members of a zip, the shape of text."""
    file = file or path.name
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head:
        raise ImportFileError(_("%(file)s: the file is empty.") % {"file": file})
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise ImportFileError(
                _("%(file)s: the archive is damaged and cannot be read.") % {"file": file}
            ) from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise ImportFileError(
            _("%(file)s: a zip archive that is neither a Word (.docx) nor an Excel (.xlsx) file.")
            % {"file": file}
        )
    if head.startswith(OLE):
        raise ImportFileError(
            _(
                "%(file)s: an encrypted Office file or an old .doc/.xls file; "
                "save it as .docx or .xlsx without a password."
            )
            % {"file": file}
        )
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise ImportFileError(
            _("%(file)s: an image, not a document; scanned pages need OCR first.") % {"file": file}
        )
    from coopreview.importers.parsers.base import decode_bytes

    try:
        text = decode_bytes(head, file=file)
    except (ImportFileError, UnicodeDecodeError) as exc:
        raise ImportFileError(_("%(file)s: not a supported kind of file.") % {"file": file}) from exc
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "[{":
        return "json"
    lines = [line for line in stripped.splitlines()[:20] if line.strip()]
    if lines:
        for delimiter in (",", ";", "\t", "|"):
            counts = [line.count(delimiter) for line in lines[:5]]
            if counts[0] >= 1 and len(set(counts)) <= 2 and min(counts) >= 1:
                from coopreview.importers.parsers.columns import looks_like_header, map_headers

                first = lines[0].split(delimiter)
                if (
                    looks_like_header([c.strip(' "') for c in first])
                    or map_headers([c.strip(' "') for c in first])[0]
                ):
                    return "csv"
    if path.suffix.lower() in (".csv", ".tsv"):
        return "csv"
    return "annex-text"


def parse(
    path: Path, *, format: str = "auto", file: str | None = None, progress=None
) -> tuple[str, ParseResult]:
    """(format used, result). Raises ImportFileError for a file that cannot be read at all."""
    path = Path(path)
    file = file or path.name
    if not path.exists():
        raise ImportFileError(_("%(file)s: no such file.") % {"file": file})
    if format in ("", "auto", None):
        format = detect_format(path, file=file)
    if format not in MODULES:
        raise ImportFileError(_("Unknown format “%(format)s”.") % {"format": format})
    module = importlib.import_module(f"coopreview.importers.parsers.{MODULES[format]}")
    if format in ("docx", "xlsx"):
        limits.check_archive(path, file=file)
    if not getattr(settings, "IMPORT_ISOLATE", True):
        return format, module.parse(path, file=file, progress=progress)
    return format, limits.run_isolated(module.parse, path, file=file, progress=progress)
