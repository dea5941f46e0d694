"""Excel workbooks (openpyxl, read-only streaming): every sheet with a recognisable header row."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from coopreview.importers.parsers.base import ImportFileError, ParseResult
from coopreview.importers.parsers.columns import looks_like_header
from coopreview.importers.parsers.rows import cell_text, rows_to_result


def _calamine_sheets(path: Path):
    """(sheet name, rows iterator) with python-calamine (Rust; ~10× faster than openpyxl on large
    sheets), or None when it is not installed or cannot read the file (openpyxl then says why)."""
    try:
        import python_calamine
    except ImportError:  # pragma: no cover — optional accelerator
        return None
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = [workbook.get_sheet_by_name(name) for name in workbook.sheet_names]
        return [
            (sheet.name, iter(sheet.to_python(skip_empty_area=False)), sheet.total_height) for sheet in sheets
        ]
    except Exception:  # noqa: BLE001 — any failure: fall back to openpyxl and its precise messages
        return None


def parse(path: Path, *, file: str | None = None, progress=None) -> ParseResult:
    file = file or path.name
    if path.stat().st_size and (sheets := _calamine_sheets(path)) is not None:
        return _parse_sheets(sheets, file=file, progress=progress)
    return _parse_openpyxl(path, file=file, progress=progress)


def _parse_openpyxl(path: Path, *, file: str, progress=None) -> ParseResult:
    import openpyxl

    if path.stat().st_size == 0:
        raise ImportFileError(_("%(file)s: the file is empty.") % {"file": file})
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        if path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ImportFileError(
                _(
                    "%(file)s: the workbook is encrypted or in the old .xls format; "
                    "save it as .xlsx without a password."
                )
                % {"file": file}
            ) from exc
        raise ImportFileError(
            _("%(file)s: the workbook is damaged and cannot be read.") % {"file": file}
        ) from exc
    try:
        sheets = [(ws.title, ws.iter_rows(values_only=True), ws.max_row) for ws in workbook.worksheets]
        return _parse_sheets(sheets, file=file, progress=progress)
    finally:
        workbook.close()


def _parse_sheets(sheets, *, file: str, progress=None) -> ParseResult:
    result = ParseResult()
    for title, rows, total in sheets:
        head: list[tuple[int, list]] = []
        for number, row in enumerate(rows, start=1):  # find the header row in the first 20
            head.append((number, list(row)))
            if looks_like_header([cell_text(c) for c in row]) or number >= 20:
                break
        header_at = next(
            (i for i, (_n, r) in enumerate(head) if looks_like_header([cell_text(c) for c in r])), None
        )
        if header_at is None:
            if any(any(cell_text(c) for c in r) for _n, r in head):
                result.problems.append(
                    _sheet_problem(file, title, _("no header row with a “Recommendation” or “Text” column"))
                )
            continue

        def stream(sheet_rows, start: int, first: list):
            yield from first
            for number, row in enumerate(sheet_rows, start=start):
                yield number, list(row)

        part = rows_to_result(
            stream(rows, len(head) + 1, head[header_at:]),
            file=file,
            sheet=title,
            progress=progress,
            total=total,
        )
        result.records += part.records
        result.problems += part.problems
        result.meta["fields"] = sorted(set(result.meta.get("fields", [])) | set(part.meta.get("fields", [])))
        result.meta.setdefault("sheets", []).append(title)
    if not result.records and not result.problems:
        raise ImportFileError(_("%(file)s: the workbook holds no recommendations.") % {"file": file})
    seen: dict[str, object] = {}
    unique = []
    from coopreview.importers.parsers.base import Problem

    for record in result.records:  # the same reference on two sheets
        if record.reference in seen:
            result.problems.append(
                Problem(
                    record.place,
                    _("reference %(ref)s already in %(where)s")
                    % {"ref": record.reference, "where": str(seen[record.reference])},
                )
            )
        else:
            seen[record.reference] = record.place
            unique.append(record)
    result.records = unique
    return result


def _sheet_problem(file: str, sheet: str, reason: str):
    from coopreview.importers.parsers.base import Place, Problem

    return Problem(Place(file=file, sheet=sheet), reason, blocking=False)
