"""Open the generated files as a reader would and check what they show."""

import gc
import zipfile

import pdfplumber
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook

from coopreview.reports.builders import build_annex, build_sheet
from coopreview.reports.exporters import export

ORANGE = "F4B183"
BLUE = "BDD7EE"


@pytest.fixture
def annex(editor_options):
    return lambda **kw: build_annex(editor_options(**kw))


def _pdf_text(path) -> tuple[str, list]:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages), pdf.pages


def test_pdf_annex_reads_like_the_facilitation_annex(annex, tmp_path):
    path = export(annex(), "pdf", tmp_path / "annex.pdf")

    with pdfplumber.open(path) as pdf:
        pages = [page.extract_text() for page in pdf.pages]
        first = pdf.pages[0]
        fills = {
            tuple(round(c, 3) for c in r["non_stroking_color"])
            for r in first.rects
            if r.get("non_stroking_color") and len(r["non_stroking_color"]) == 3
        }
        fonts = {char["fontname"] for page in pdf.pages for char in page.chars}
    text = "\n".join(pages)
    assert "Annex — List of recommendations" in pages[0] and "ICC-ASP/19/16" in pages[0]
    assert "Legend" in pages[0] and "Facilitation priority" in pages[0]
    for ref in ("149", "274", "275", "290"):
        assert f"\n{ref} " in text
    assert "development of a uniform cooperation framework" in text
    assert f"Page 1 of {len(pages)}" in pages[0] and len(pages) >= 2
    # The header row is printed again at the top of the next page.
    assert "No. Recommendation Responsible" in pages[1].replace("\n", " ")
    orange = tuple(round(int(ORANGE[i : i + 2], 16) / 255, 3) for i in (0, 2, 4))
    assert orange in fills
    assert fonts and all("Report-Sans" in f for f in fonts)  # DejaVu Sans, embedded


def test_pdf_in_french_has_accents_and_french_labels(annex, tmp_path):
    path = export(annex(lang="fr"), "pdf", tmp_path / "annexe.pdf")

    text, _ = _pdf_text(path)
    assert "Priorité de la facilitation" in text
    assert "Assemblée et Cour" in text
    assert "Page 1 sur" in text


def test_docx_annex_is_a_real_word_table_with_shading_and_repeated_header(annex, tmp_path):
    path = export(annex(), "docx", tmp_path / "annex.docx")

    document = Document(path)
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert document.paragraphs[1].style.name == "Title"
    assert "Annex — List of recommendations" in document.paragraphs[1].text
    legend, table = document.tables
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in header.cells] == ["No.", "Recommendation", "Responsible entity", "Priorities"]
    rows = {r.cells[0].paragraphs[0].text: r for r in table.rows[1:]}  # the flag bar follows
    assert rows["Relationship with the UN (possible implications for cooperation on the field)"]

    def fill(cell) -> str | None:
        shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
        return shd.get(qn("w:fill")) if shd is not None else None

    assert fill(rows["274"].cells[1]) == ORANGE and fill(rows["290"].cells[3]) == ORANGE
    assert fill(rows["275"].cells[1]) == BLUE and fill(rows["149"].cells[1]) is None
    assert rows["274"].cells[3].text == (
        "Facilitation priority (Facilitation on cooperation)\nIER Annex I priority (the source)"
    )
    assert rows["290"].cells[1].text.startswith("There is a need for a special operations fund")
    assert {fill(r.cells[0]) for r in legend.rows} == {ORANGE, BLUE}
    styles = {s.name for s in document.styles}
    assert {"Report Table Text", "Report Table Header", "Report Group"} <= styles
    assert rows["149"].cells[1].paragraphs[0].style.name == "Report Table Text"
    footer = document.sections[0].footer._element.xml
    assert "NUMPAGES" in footer and "Page" in footer


def test_xlsx_annex_has_typed_cells_filters_frozen_header_and_fills(annex, tmp_path):
    path = export(annex(), "xlsx", tmp_path / "annex.xlsx")

    workbook = load_workbook(path)
    sheet = workbook["Recommendations"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E18"
    assert [c.value for c in sheet[1]] == [
        "No.",
        "Recommendation",
        "Responsible entity",
        "Priorities",
        "Cluster",
    ]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {
        int(r) for r in "149 152 272 273 274 275 276 277 278 279 280 281 282 284 285 289 290".split()
    }
    assert isinstance(sheet["A2"].value, int)
    assert rows[274][1].fill.fgColor.rgb.endswith(ORANGE) and rows[290][0].fill.fgColor.rgb.endswith(ORANGE)
    assert rows[275][1].fill.fgColor.rgb.endswith(BLUE)
    assert rows[149][1].fill.fill_type is None
    assert rows[274][4].value == "In relation with OTP cooperation for collection of evidence"
    legend = workbook["Legend"]
    legend_fills = {
        row[0].value: row[0].fill.fgColor.rgb[-6:] for row in legend.iter_rows(min_row=4) if row[0].value
    }
    assert legend_fills == {"Facilitation priority": ORANGE, "IER Annex I priority": BLUE}


def test_xlsx_sheet_per_cluster(annex, tmp_path):
    path = export(annex(), "xlsx", tmp_path / "annex.xlsx", sheet_per_cluster=True)

    workbook = load_workbook(path)
    names = workbook.sheetnames
    assert names[-1] == "Legend" and len(names) == 5  # four clusters and the legend
    first = workbook[names[0]]
    assert names[0].startswith("Relationship with the UN")
    assert [r[0].value for r in first.iter_rows(min_row=2)] == [149, 152]


def test_html_annex_is_printable_and_self_contained(annex, tmp_path):
    path = export(annex(lang="fr"), "html", tmp_path / "annex.html")

    html = path.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "@page" in html and "counter(pages)" in html
    assert 'class="flag-' in html and "#F4B183" in html
    assert "<thead>" in html and "Priorité de la facilitation" in html


def test_sheet_in_each_format(editor_options, tmp_path):
    report = build_sheet(editor_options(reference="274"))
    for fmt in ("pdf", "docx", "xlsx", "html"):
        export(report, fmt, tmp_path / f"sheet.{fmt}")

    pdf_text, _ = _pdf_text(tmp_path / "sheet.pdf")
    assert "Recommendation 274" in pdf_text and "History" in pdf_text
    docx = Document(tmp_path / "sheet.docx")
    assert any(p.text == "Recommendation 274" for p in docx.paragraphs)
    assert "Facilitation priority, IER Annex I priority" in [c.text for c in docx.tables[-1].columns[1].cells]
    sheet = load_workbook(tmp_path / "sheet.xlsx").active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert 274 in values or "274" in values
    assert zipfile.is_zipfile(tmp_path / "sheet.docx")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the aborted stream
def test_a_failed_export_leaves_no_file(annex, tmp_path, monkeypatch):
    from coopreview.reports.exporters import to_xlsx

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(to_xlsx, "_legend_sheet", broken)
    with pytest.raises(RuntimeError):
        export(annex(), "xlsx", tmp_path / "annex.xlsx")
    gc.collect()  # the aborted workbook's stream is closed here, inside this test's warning filter

    assert list(tmp_path.iterdir()) == []
