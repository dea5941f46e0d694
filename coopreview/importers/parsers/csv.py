"""CSV in any encoding a spreadsheet program writes: RFC 4180 (doubled quotes inside quoted cells),
only the delimiter is sniffed — csv.Sniffer's guess of the quoting rules misreads cells holding ""."""

from __future__ import annotations

import csv as csvlib
import io
from pathlib import Path

from django.utils.translation import gettext as _

from coopreview.core.spreadsheet_safe import csv_import_value
from coopreview.importers.parsers.base import ImportFileError, ParseResult, decode_bytes
from coopreview.importers.parsers.rows import rows_to_result


def sniff_dialect(text: str) -> type[csvlib.Dialect]:
    """RFC 4180 (the "excel" dialect) with the delimiter found in the first lines."""
    sample = text[:20000]
    try:
        delimiter = csvlib.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csvlib.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        delimiter = max(counts, key=counts.get) if any(counts.values()) else ","

    class Dialect(csvlib.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def parse(path: Path, *, file: str | None = None, progress=None) -> ParseResult:
    file = file or path.name
    data = path.read_bytes()
    if not data.strip():
        raise ImportFileError(_("%(file)s: the file is empty.") % {"file": file})
    text = decode_bytes(data, file=file).lstrip("\ufeff")
    dialect = sniff_dialect(text)
    reader = csvlib.reader(io.StringIO(text, newline=""), dialect)
    total = text.count("\n") + 1
    try:
        return rows_to_result(
            # the apostrophe our exports put before formula-like values (core.spreadsheet_safe)
            ((reader.line_num, [csv_import_value(cell) for cell in row]) for row in reader),
            file=file,
            progress=progress,
            total=total,
        )
    except csvlib.Error as exc:
        raise ImportFileError(
            _("%(file)s, line %(line)s: %(error)s") % {"file": file, "line": reader.line_num, "error": exc}
        ) from exc
