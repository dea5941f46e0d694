"""The progress report in Excel: counts with a native bar chart, the statuses, the changes."""

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from coopreview.core.spreadsheet_safe import xlsx_append
from coopreview.reports.exporters.to_xlsx import HEADER_FILL, HEADER_FONT, _sheet_title, _typed

WRAP = Alignment(wrap_text=True, vertical="top")


def _landscape(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _header(ws, labels: list[str]) -> None:
    xlsx_append(ws, labels)
    for cell in ws[ws.max_row]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT


def _counts(workbook, report, used: set[str]) -> None:
    ws = workbook.active
    ws.title = _sheet_title(report.labels["counts"], used)
    xlsx_append(ws, [report.doc.title])
    ws["A1"].font = Font(bold=True, size=13)
    xlsx_append(ws, [report.doc.symbol, f"{report.doc.labels['as_of']} {report.doc.date_text}"])
    ws.column_dimensions["A"].width = 50
    _landscape(ws)
    for table in report.tables:
        xlsx_append(ws, [])
        xlsx_append(ws, [table.source])
        _header(ws, [report.labels["cluster"], *[s.label for s in report.statuses], report.labels["total"]])
        first = ws.max_row
        for row in table.rows:
            xlsx_append(ws, [row.label, *row.counts, row.total])
            for cell, status in zip(ws[ws.max_row][1:-1], report.statuses, strict=True):
                if cell.value:
                    cell.fill = PatternFill("solid", fgColor=status.hex)
        last = ws.max_row
        xlsx_append(ws, [table.total.label, *table.total.counts, table.total.total])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = report.labels["counts"]
        chart.height, chart.width = max(6, 1.2 * len(table.rows) + 4), 24
        data = Reference(ws, min_col=2, max_col=1 + len(report.statuses), min_row=first, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
        for series, status in zip(chart.series, report.statuses, strict=True):
            series.graphicalProperties.solidFill = status.hex
        ws.add_chart(chart, f"A{ws.max_row + 2}")
        for _ in range(int(chart.height * 2) + 2):
            xlsx_append(ws, [])


def _statuses(workbook, report, used: set[str]) -> None:
    ws = workbook.create_sheet(_sheet_title(report.labels["status"], used))
    keys = ("reference", "text", "status", "lead", "narrative")
    _header(ws, [*[report.labels[k] for k in keys], report.labels["cluster"]])
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    _landscape(ws)
    for col, width in zip("ABCDEF", (9, 70, 22, 24, 50, 36), strict=True):
        ws.column_dimensions[col].width = width
    for group in report.groups:
        for row in group.rows:
            xlsx_append(
                ws, [_typed(row.reference), row.text, row.status, row.lead, row.narrative, group.title]
            )
            for cell in ws[ws.max_row]:
                cell.alignment = WRAP
                if row.colour:
                    cell.fill = PatternFill("solid", fgColor=row.flags[0].hex)
    ws.auto_filter.ref = f"A1:F{ws.max_row}"


def _changes(workbook, report, used: set[str]) -> None:
    if not report.since_text:
        return
    ws = workbook.create_sheet(_sheet_title(report.labels["changes"], used))
    _header(ws, [report.labels[k] for k in ("when", "who", "what", "record", "details")])
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDE", (18, 14, 28, 40, 70), strict=True):
        ws.column_dimensions[col].width = width
    for change in report.changes:
        xlsx_append(ws, [change.when, change.who, change.what, change.label, "\n".join(change.details)])
        for cell in ws[ws.max_row]:
            cell.alignment = WRAP
    ws.auto_filter.ref = f"A1:E{max(ws.max_row, 1)}"


def write_progress(workbook, report) -> None:
    used: set[str] = set()
    _counts(workbook, report, used)
    _statuses(workbook, report, used)
    _changes(workbook, report, used)
