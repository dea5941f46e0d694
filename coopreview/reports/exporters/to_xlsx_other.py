"""Excel for the sheet and the progress report: plain tables a reader can sort and filter."""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from coopreview.core.spreadsheet_safe import xlsx_append
from coopreview.reports.exporters.to_xlsx import HEADER_FILL, HEADER_FONT, _sheet_title, _typed

WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)


def _table(
    ws, header: list[str], rows: list[list], *, widths: list[int], fills: list[str | None] | None = None
):
    """A header row (frozen, filtered) and typed rows, optionally filled per row."""
    start = ws.max_row + 1 if ws.max_row > 1 else 1
    xlsx_append(ws, header)
    for cell in ws[start]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for i, values in enumerate(rows):
        xlsx_append(ws, values)
        fill = fills[i] if fills else None
        for cell in ws[ws.max_row]:
            cell.alignment = WRAP
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    return start


def _sheet(workbook, report) -> None:
    ws = workbook.active
    ws.title = _sheet_title(report.doc.title, set())
    row = report.row
    xlsx_append(ws, [report.doc.title, report.doc.symbol])
    ws["A1"].font = Font(bold=True, size=13)
    xlsx_append(ws, [report.doc.labels["as_of"], report.doc.date])
    xlsx_append(ws, [])
    fill = row.flags[0].hex if row.flags else None
    facts = [
        [report.doc.labels["reference"], _typed(row.reference)],
        [report.columns_label_reference, row.text],
        *[[f.label, f.value] for f in report.facts],
    ]
    for label, value in facts:
        xlsx_append(ws, [label, value])
        ws.cell(ws.max_row, 1).font = BOLD
        ws.cell(ws.max_row, 2).alignment = WRAP
    if fill:
        ws.cell(5, 2).fill = PatternFill("solid", fgColor=fill)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 100
    for title, lines in report.sections:
        xlsx_append(ws, [])
        xlsx_append(ws, [title])
        ws.cell(ws.max_row, 1).font = BOLD
        for line in lines:
            xlsx_append(ws, ["", line])
            ws.cell(ws.max_row, 2).alignment = WRAP
    if report.history:
        history = workbook.create_sheet(_sheet_title(report.history_title, {ws.title.lower()}))
        xlsx_append(history, [report.history_title])
        for item in report.history:
            xlsx_append(history, [item.when, item.what, item.who, item.reason, "\n".join(item.changes)])
        for col, width in zip("ABCDE", (20, 12, 16, 30, 80), strict=True):
            history.column_dimensions[col].width = width


def write_other(report, path: Path) -> None:
    workbook = Workbook()
    workbook.properties.title = report.doc.title
    workbook.properties.language = report.doc.lang
    if report.doc.kind == "sheet":
        _sheet(workbook, report)
    else:
        from coopreview.reports.exporters.to_xlsx_progress import write_progress

        write_progress(workbook, report)
    workbook.save(path)
