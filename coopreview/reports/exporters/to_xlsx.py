"""Excel workbooks with openpyxl: one row per recommendation, typed cells, autofilter, frozen header.

Written in write-only (streaming) mode, so 100,000 rows stay within a small, constant memory.
"""

from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, GradientFill, PatternFill
from openpyxl.styles.fills import Stop
from openpyxl.utils import get_column_letter

from coopreview.core.spreadsheet_safe import xlsx_append, xlsx_cell

HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")
WIDTHS = {
    "reference": 9,
    "text": 80,
    "addressee": 18,
    "organ": 24,
    "flags": 24,
    "status": 18,
    "lead": 22,
    "cluster": 36,
}
# Past this many rows a workbook is for filtering, not printing: rows keep Excel's default height
# (it fits them when opened) and the export stays well under its 30 s target for 100,000 rows.
ROW_HEIGHTS_UP_TO = 20_000
INVALID_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(title: str, used: set[str]) -> str:
    base = title.translate(INVALID_SHEET_CHARS).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name.lower())
    return name


def _typed(value: str):
    """Numbers as numbers (a reference such as 274 sorts as a number in Excel), the rest as text."""
    if value.isdigit() and len(value) < 15:
        return int(value)
    return value


def _lines(value, width: int) -> int:
    """Lines a wrapped cell takes at `width` characters (average text is ~15% narrower than "0")."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(width * 1.15), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


class _Writer:
    """Rows of an annex in a write-only worksheet, with one cached fill per flag colour."""

    def __init__(self, workbook, report, title: str, used: set[str]) -> None:
        self.ws = workbook.create_sheet(_sheet_title(title, used))
        self.report = report
        self.styles: dict[str | None, object] = {}
        self.headers = [label for _key, label in report.columns] + [report.cluster_label]
        self.keys = [key for key, _label in report.columns]
        self.all_keys = [*self.keys, "cluster"]
        for i, key in enumerate([*self.keys, "cluster"], start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(key, 30)
        self.ws.freeze_panes = "A2"
        # Printed: landscape, one page wide, the header row on every page.
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = "9"  # A4
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.print_title_rows = "1:1"
        self.rows = 0
        header = []
        for label in self.headers:
            cell = WriteOnlyCell(self.ws, value=label)
            cell.fill, cell.font = HEADER_FILL, HEADER_FONT
            header.append(cell)
        self.ws.append(header)

    def style(self, hex_colour: str | None):
        """The style of a cell (wrapped, filled in `hex_colour`), made once and shared: styling each of
        100,000 rows' cells one attribute at a time costs more than everything else together."""
        if hex_colour not in self.styles:
            template = WriteOnlyCell(self.ws)
            template.alignment = WRAP
            if hex_colour:
                template.fill = PatternFill("solid", fgColor=hex_colour)
            self.styles[hex_colour] = template._style
        return self.styles[hex_colour]

    def append(self, row) -> None:
        style = self.style(row.flags[0].hex if row.flags else None)
        cells = []
        lines = 1
        for key in self.all_keys:
            value = row.cluster if key == "cluster" else row.cell(key)
            if key == "reference":
                value = _typed(value)
            else:
                lines = max(lines, _lines(value, WIDTHS.get(key, 30)))
            cell = WriteOnlyCell(self.ws, value=value)
            cell._style = copy(style)
            if key == "flags" and len(row.flags) > 1:
                cell.fill = _split_fill([flag.hex for flag in row.flags])
            cells.append(xlsx_cell(cell))  # after the shared style: it adds the quote prefix to it
        self.rows += 1
        if lines > 1 and self.rows <= ROW_HEIGHTS_UP_TO:
            # Nothing lays a spreadsheet out when it is converted: wrapped rows get their height here.
            self.ws.row_dimensions[self.rows + 1].height = 15 * lines
        self.ws.append(cells)
        self.ws.row_dimensions.pop(self.rows + 1, None)  # written: keep memory flat

    def finish(self) -> None:
        last = get_column_letter(len(self.headers))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"


def _split_fill(colours: list[str]) -> GradientFill:
    """The split colour bar of the page in one cell: a gradient with hard stops, one equal band per
    flag, in flag order (a cell has one fill; a row with two flags must still show both)."""
    stops = []
    for i, colour in enumerate(colours):
        # stop positions must differ: each band starts a hair after the previous one ends
        start = i / len(colours) + (0.001 if i else 0)
        stops += [Stop(colour, start), Stop(colour, (i + 1) / len(colours))]
    return GradientFill(degree=0, stop=stops)


def _legend_sheet(workbook, report, used: set[str]) -> None:
    ws = workbook.create_sheet(_sheet_title(report.doc.labels["legend"], used))
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 35
    ws.column_dimensions["C"].width = 90
    xlsx_append(ws, [report.doc.title])
    xlsx_append(ws, [report.doc.symbol, f"{report.doc.labels['as_of']} {report.doc.date_text}"])
    ws.append([])
    for flag in report.legend:
        name = xlsx_cell(WriteOnlyCell(ws, value=flag.name))
        name.fill = PatternFill("solid", fgColor=flag.hex)
        xlsx_append(ws, [name, flag.owner, flag.description])
    for note in report.doc.notes:
        xlsx_append(ws, [note])


def write_xlsx(report, path: Path, *, sheet_per_cluster: bool = False) -> None:
    if report.doc.kind != "annex":
        from coopreview.reports.exporters.to_xlsx_other import write_other

        return write_other(report, path)
    workbook = Workbook(write_only=True)
    workbook.properties.title = report.doc.title
    workbook.properties.subject = report.doc.symbol
    workbook.properties.language = report.doc.lang
    used: set[str] = set()
    if sheet_per_cluster:
        writer = None
        for group in report.iter_groups(key="cluster"):
            writer = _Writer(workbook, report, group.title, used)
            for row in group.rows:
                writer.append(row)
            writer.finish()
    else:
        writer = _Writer(workbook, report, report.sheet_label, used)
        for row in report.iter_rows():
            writer.append(row)
        writer.finish()
    if report.legend or report.doc.notes:
        _legend_sheet(workbook, report, used)
    workbook.save(path)


def render_xlsx(report, **options) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.xlsx"
        write_xlsx(report, path, **options)
        return path.read_bytes()
