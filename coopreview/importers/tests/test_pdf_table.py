"""The co-facilitators' annex as people circulate it: a table in a PDF or a Word file.

Columns No. / Recommendation / Responsible / Priority, cluster rows across the table, priority rows
shaded orange and marked "x". Both files are generated here from the demo data of the seed's annex.
"""

import json

import pytest

from coopreview.importers.conftest import DEMO_JSON
from coopreview.importers.names import organisation_key
from coopreview.importers.parsers import detect_format, docx, pdf
from coopreview.importers.parsers.pdf_table import colour_hex, colour_name

ORANGE = "F4B183"
WHO = {"ICC": "Court", "ASP": "Assembly"}


def annex() -> list[dict]:
    return json.loads(DEMO_JSON.read_text())["recommendations"]


def responsible(rec: dict) -> str:
    return " & ".join(WHO[a] for a in sorted(rec["addressees"], key=lambda a: a != "ASP"))


def annex_rows() -> list[tuple[str, dict | None]]:
    """(cluster title, None) for a cluster row, ("", recommendation) for a recommendation row."""
    rows, section = [], None
    for rec in annex():
        if rec["section"][0] != section:
            section = rec["section"][0]
            rows.append((section, None))
        rows.append(("", rec))
    return rows


def annex_pdf(files):
    body = []
    for cluster, rec in annex_rows():
        if rec is None:
            body.append(f'<tr><td colspan="4" class="cluster">{cluster}</td></tr>')
            continue
        priority = "facilitation" in rec["flags"]
        body.append(
            f"<tr{' class=prio' if priority else ''}><td>{rec['reference']}</td><td>{rec['text']}</td>"
            f"<td>{responsible(rec)}</td><td>{'x' if priority else ''}</td></tr>"
        )
    html = (
        "<style>@page{size:A4;margin:2cm} table{border-collapse:collapse;width:100%;font:10pt sans-serif}"
        "td,th{border:1px solid #000;padding:3pt;vertical-align:top} .prio td{background:#" + ORANGE + "}"
        ".cluster{font-weight:bold;background:#D9D9D9}</style>"
        "<h1>IER Annex – recommendations on cooperation</h1><table><thead><tr><th>No.</th>"
        "<th>Recommendation</th><th>Responsible</th><th>Priority</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )
    return files.pdf("annex.pdf", html)


def annex_docx(files):
    import docx as python_docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = python_docx.Document()
    document.add_paragraph("IER Annex – recommendations on cooperation")
    table = document.add_table(rows=1, cols=4)
    for cell, title in zip(
        table.rows[0].cells, ["No.", "Recommendation", "Responsible", "Priority"], strict=True
    ):
        cell.text = title
    for cluster, rec in annex_rows():
        cells = table.add_row().cells
        if rec is None:
            merged = cells[0].merge(cells[3])
            merged.text = cluster
            continue
        for cell, value in zip(
            cells,
            [rec["reference"], rec["text"], responsible(rec), "x" if "facilitation" in rec["flags"] else ""],
            strict=True,
        ):
            cell.text = value
            if "facilitation" in rec["flags"]:
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:fill"), ORANGE)
                cell._tc.get_or_add_tcPr().append(shd)
    path = files.dir / "annex.docx"
    document.save(path)
    return path


@pytest.mark.parametrize("make", [annex_pdf, annex_docx], ids=["pdf", "docx"])
def test_annex_table_imports_with_exact_texts_sections_addressees_colours_and_marks(files, make):
    path = make(files)
    parser = pdf if path.suffix == ".pdf" else docx

    result = parser.parse(path)

    assert detect_format(path) == path.suffix[1:]
    records = {r.reference: r for r in result.records}
    expected = annex()
    assert list(records) == [r["reference"] for r in expected]
    for rec in expected:
        got = records[rec["reference"]]
        assert got.text == rec["text"]
        assert got.section == rec["section"]
        assert sorted(organisation_key(n) for n in got.addressees) == sorted(rec["addressees"])
        marked = "facilitation" in rec["flags"]
        assert got.priority_flags == (["Priority", f"Shaded orange (#{ORANGE})"] if marked else [])
    assert result.meta["fill_colours"] == [
        {"colour": f"#{ORANGE}", "name": "orange", "flag": f"Shaded orange (#{ORANGE})", "rows": 2}
    ]
    assert [p for p in result.problems if p.blocking] == []


@pytest.mark.parametrize(
    ("colour", "hex_value", "name"),
    [
        ((0.956863, 0.694118, 0.513725), "#F4B183", "orange"),
        ((0, 0, 0, 0), None, ""),
        ((1, 1, 1), None, ""),
        (0.85, "#D9D9D9", "grey"),
        ((0, 0, 1, 0), "#FFFF00", "yellow"),
    ],
)
def test_fill_colours_are_named(colour, hex_value, name):
    assert colour_hex(colour) == hex_value
    if hex_value:
        assert colour_name(hex_value) == name


def test_text_copied_from_the_table_pdf_is_read_row_by_row(files):
    import pdfplumber

    from coopreview.importers.parsers import annex_text

    with pdfplumber.open(annex_pdf(files)) as document:
        text = "\n".join(page.extract_text() for page in document.pages)
    path = files.dir / "pasted.txt"
    path.write_text(text, encoding="utf-8")

    result = annex_text.parse(path)

    assert detect_format(path) == "annex-text"
    records = {r.reference: r for r in result.records}
    for rec in annex():
        got = records[rec["reference"]]
        assert (got.text, got.section) == (rec["text"], rec["section"])
        assert sorted(organisation_key(n) for n in got.addressees) == sorted(rec["addressees"])
        assert got.priority_flags == (["Priority"] if "facilitation" in rec["flags"] else [])
    assert len(records) == 17
