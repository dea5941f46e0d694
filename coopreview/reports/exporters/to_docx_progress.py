"""The progress report in Word: the counts as a shaded table (the chart of the PDF, editable), the status
of each recommendation, and the changes since a date."""

from docx.shared import Mm

from coopreview.reports.exporters.to_docx import (
    GROUP_FILL,
    HEADER_FILL,
    _cell_text,
    repeat_as_header,
    shade,
)


def _header(table, labels: list[str]) -> None:
    row = table.rows[0]
    repeat_as_header(row)
    for cell, label in zip(row.cells, labels, strict=True):
        shade(cell, HEADER_FILL)
        _cell_text(cell, label, "Report Table Header")


def _counts(document, report) -> None:
    document.add_heading(report.labels["counts"], level=1)
    for table_data in report.tables:
        if len(report.tables) > 1:
            document.add_heading(table_data.source, level=2)
        labels = [report.labels["cluster"], *[s.label for s in report.statuses], report.labels["total"]]
        table = document.add_table(rows=1, cols=len(labels))
        table.style = document.styles["Table Grid"]
        _header(table, labels)
        for count_row in [*table_data.rows, table_data.total]:
            cells = table.add_row().cells
            _cell_text(cells[0], count_row.label, "Report Table Text", bold=count_row is table_data.total)
            for cell, status, n in zip(cells[1:-1], report.statuses, count_row.counts, strict=True):
                _cell_text(cell, str(n), "Report Table Text")
                if n:
                    shade(cell, status.hex)  # a count shows in its status colour, like the chart's bars
            _cell_text(cells[-1], str(count_row.total), "Report Table Text", bold=True)
        document.add_paragraph()


def _statuses(document, report) -> None:
    document.add_heading(report.labels["statuses"], level=1)
    labels = [report.labels[k] for k in ("reference", "text", "status", "lead", "narrative")]
    widths = [Mm(14), Mm(70), Mm(28), Mm(28), Mm(40)]
    table = document.add_table(rows=1, cols=5)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    _header(table, labels)
    for group in report.groups:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        shade(merged, GROUP_FILL)
        _cell_text(merged, group.title, "Report Group")
        for row in group.rows:
            status = row.status
            if len(row.parts) > 1:
                status += "\n" + "\n".join(f"{p.addressee}: {p.status}" for p in row.parts)
            values = [row.reference, row.text, status, row.lead, row.narrative]
            cells = table.add_row().cells
            for cell, value, width in zip(cells, values, widths, strict=True):
                cell.width = width
                if row.colour:
                    shade(cell, row.flags[0].hex)
                _cell_text(cell, value, "Report Table Text")


def _changes(document, report) -> None:
    if not report.since_text:
        return
    document.add_heading(report.labels["changes"], level=1)
    if not report.change_groups:
        document.add_paragraph(report.labels["no_changes"])
    for group in report.change_groups:  # sentences grouped by recommendation, as on the page
        document.add_heading(group.heading, level=2)
        for sentence in group.sentences:
            document.add_paragraph(sentence, style="List Bullet")


def progress_body(document, report) -> None:
    _counts(document, report)
    _statuses(document, report)
    _changes(document, report)
