"""Cells that a spreadsheet program would run as formulas (=HYPERLINK(…), =cmd|…, +1+1, @SUM(…)) are
written as text in every CSV and XLSX the platform produces (CSV/formula injection, OWASP).

CSV: such a value gets a leading apostrophe, which spreadsheet programs read as "this is text"; a value
that already starts with an apostrophe gets one too, so `csv_import_value` removing exactly one restores
every value (an exported CSV imported again is lossless). XLSX: the string is stored as a string cell
(openpyxl would otherwise store "=…" as a formula) with the "quote prefix" style, so the value itself is
unchanged and editing the cell in Excel keeps it text.
"""

from collections.abc import Iterable
from typing import Any

RISKY = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(RISKY)


def csv_value(value: Any) -> Any:
    """`value` as a CSV cell: risky strings (and strings already starting with an apostrophe) prefixed."""
    if isinstance(value, str) and value.startswith((*RISKY, QUOTE)):
        return QUOTE + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_value(v) for v in values]


def csv_dict(row: dict[str, Any]) -> dict[str, Any]:
    return {key: csv_value(value) for key, value in row.items()}


def csv_import_value(value: str) -> str:
    """The value a platform CSV cell stands for: one leading apostrophe removed (see `csv_value`)."""
    return value[1:] if value.startswith(QUOTE) else value


def xlsx_cell(cell: Any) -> Any:
    """Make `cell` (a worksheet or write-only cell) hold its risky string as text; returns the cell."""
    if is_risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_last_row(worksheet: Any) -> None:
    """Apply `xlsx_cell` to the row just appended to a (normal, not write-only) worksheet."""
    for cell in worksheet[worksheet.max_row]:
        xlsx_cell(cell)


def xlsx_append(worksheet: Any, values: Iterable[Any]) -> None:
    """worksheet.append(values), with risky strings kept as text (normal or write-only worksheets)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    if isinstance(worksheet, WriteOnlyWorksheet):
        cells = [xlsx_cell(WriteOnlyCell(worksheet, value=v)) if is_risky(v) else v for v in values]
        worksheet.append(cells)
        return
    worksheet.append(list(values))
    xlsx_last_row(worksheet)
