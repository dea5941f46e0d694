"""Word documents with python-docx: real headings, real tables (shaded, header row repeated), named styles.

A facilitator restyles the whole document by changing the styles "Report Table Text", "Report Table
Header" and "Report Group" (or Word's own Title/Heading styles) — no formatting is applied by hand.
"""

import io

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HEADER_FILL = "1F3864"
GROUP_FILL = "D9D9D9"
WIDTHS_MM = {
    "reference": 18,
    "addressee": 32,
    "organ": 34,
    "flags": 32,
    "status": 28,
    "lead": 30,
    "views": 50,
}


def shade(cell, hex_fill: str) -> None:
    """Cell shading (w:shd), what Word's "Shading" button sets."""
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    tc_pr.append(shd)


def flag_bar(cell, flags) -> None:
    """The row's flags as a bordered split bar under the cell's text, one shaded block per flag in
    legend order (the row itself is shaded with the first): what the page and the PDF draw."""
    paragraph = cell.add_paragraph(style="Report Table Text")
    for flag in flags:
        run = paragraph.add_run("\u00a0" * 4)
        properties = run._r.get_or_add_rPr()
        border = OxmlElement("w:bdr")  # w:bdr before w:shd, as the schema orders them
        for name, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "7F7F7F")):
            border.set(qn(f"w:{name}"), value)
        properties.append(border)
        shd = OxmlElement("w:shd")
        for name, value in (("val", "clear"), ("color", "auto"), ("fill", flag.hex)):
            shd.set(qn(f"w:{name}"), value)
        properties.append(shd)


def repeat_as_header(row) -> None:
    """Word repeats this row at the top of each page (Table Properties › Row › Repeat as header row)."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice update when they lay the pages out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, text, end):
        run._r.append(element)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")

    def paragraph_style(name: str, *, size: float, bold: bool = False, colour: str | None = None):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        if colour:
            style.font.color.rgb = RGBColor.from_string(colour)
        style.paragraph_format.space_after = Pt(2)
        style.paragraph_format.space_before = Pt(0)
        return style

    paragraph_style("Report Table Text", size=9)
    paragraph_style("Report Table Header", size=9, bold=True, colour="FFFFFF")
    paragraph_style("Report Group", size=9.5, bold=True)
    paragraph_style("Report Meta", size=9, colour="404040")
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.name = "Arial"


def _page(document, doc, *, landscape: bool) -> None:
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(15))
    section.top_margin = section.bottom_margin = Mm(18)
    header = section.header.paragraphs[0]
    header.text = f"{doc.symbol}\t\t{doc.date_text}" if doc.symbol else doc.date_text
    header.style = document.styles["Report Meta"]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.style = document.styles["Report Meta"]
    footer.add_run(f"{doc.labels['page']} ")
    _field(footer, "PAGE")
    footer.add_run(f" {doc.labels['of']} ")
    _field(footer, "NUMPAGES")


def _heading(document, doc) -> None:
    if doc.symbol:
        p = document.add_paragraph(doc.symbol, style="Report Meta")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading(doc.title, level=0)
    if doc.subtitle:
        document.add_paragraph(doc.subtitle, style="Subtitle")
    document.add_paragraph(f"{doc.labels['as_of']} {doc.date_text}", style="Report Meta")


def _cell_text(cell, text: str, style: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    lines = str(text).split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold or None
        if i < len(lines) - 1:
            run.add_break()


def legend_table(document, flags, doc) -> None:
    if not flags:
        return
    document.add_paragraph(doc.labels["legend"], style="Report Group")
    table = document.add_table(rows=0, cols=2)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Mm(12), Mm(160)
    for flag in flags:
        cells = table.add_row().cells
        shade(cells[0], flag.hex)
        cells[0].width = Mm(12)
        cells[1].width = Mm(160)
        _cell_text(cells[0], "", "Report Table Text")
        text = f"{flag.label} — {flag.description}" if flag.description else flag.label
        _cell_text(cells[1], text, "Report Table Text")
    document.add_paragraph()


def _annex(document, report) -> None:
    columns = report.columns
    usable = 297 - 30
    fixed = sum(WIDTHS_MM.get(key, 0) for key, _ in columns)
    widths = [Mm(WIDTHS_MM.get(key, max(usable - fixed, 60))) for key, _ in columns]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the table grid, which LibreOffice reads; Word reads the cells' widths
    header = table.rows[0]
    repeat_as_header(header)
    for cell, (_key, label), width in zip(header.cells, columns, widths, strict=True):
        cell.width = width
        shade(cell, HEADER_FILL)
        _cell_text(cell, label, "Report Table Header")
    for group in report.groups:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
        shade(merged, GROUP_FILL)
        _cell_text(merged, group.title, "Report Group")
        for row in group.rows:
            cells = table.add_row().cells
            for cell, (key, _label), width in zip(cells, columns, widths, strict=True):
                cell.width = width
                if row.colour:
                    shade(cell, row.flags[0].hex)
                _cell_text(cell, row.cell(key), "Report Table Text", bold=key == "reference")
            if row.flags:
                flag_bar(cells[0], row.flags)


def _sheet(document, report) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Mm(40), Mm(140)
    cells = table.add_row().cells
    _cell_text(cells[0], report.columns_label_reference, "Report Table Text", bold=True)
    _cell_text(cells[1], f"{report.row.reference} — {report.row.text}", "Report Table Text")
    if report.row.colour:
        shade(cells[1], report.row.flags[0].hex)
        flag_bar(cells[1], report.row.flags)
    for fact in report.facts:
        cells = table.add_row().cells
        _cell_text(cells[0], fact.label, "Report Table Text", bold=True)
        _cell_text(cells[1], fact.value, "Report Table Text")
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Mm(40), Mm(140)
    for title, lines in report.sections:
        document.add_heading(title, level=1)
        for line in lines or ["—"]:
            document.add_paragraph(line, style="List Bullet")
    if report.history:
        document.add_heading(report.history_title, level=1)
        for item in report.history:
            head = f"{item.when} — {item.what} ({item.who})" + (f": {item.reason}" if item.reason else "")
            document.add_paragraph(head, style="List Bullet")
            for change in item.changes:
                document.add_paragraph(change, style="List Bullet 2")


def render_docx(report) -> bytes:
    doc = report.doc
    document = new_document()
    document.core_properties.title = doc.title
    document.core_properties.subject = doc.symbol
    document.core_properties.language = doc.lang
    _styles(document)
    _page(document, doc, landscape=doc.kind != "sheet")
    _heading(document, doc)
    legend_table(document, getattr(report, "legend", []), doc)
    if doc.kind == "annex":
        _annex(document, report)
    elif doc.kind == "sheet":
        _sheet(document, report)
    else:
        from coopreview.reports.exporters.to_docx_progress import progress_body

        progress_body(document, report)
    for note in doc.notes:
        document.add_paragraph(note, style="Report Meta")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
