"""The seed's annex regenerated from the platform: `coopreview demo --no-serve` into a temporary data
directory, then `coopreview report annex` as PDF, Word and Excel, in English and in French."""

import os
import subprocess
import sys

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

pytestmark = pytest.mark.slow
ORANGE = "F4B183"


def run(*args: str, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 — our own interpreter and module
        [sys.executable, "-m", "coopreview", *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def demo_annexes(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("demo")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)},
        "COOPREVIEW_DATA_DIR": str(tmp / "var"),
        "DATABASE_URL": f"sqlite:///{tmp / 'var' / 'coopreview.sqlite3'}",
    }
    run("demo", "--no-serve", env=env)
    files = {}
    for lang in ("en", "fr"):
        for fmt in ("pdf", "docx", "xlsx"):
            path = tmp / f"annex-{lang}.{fmt}"
            run(
                "report",
                "annex",
                "--format",
                fmt,
                "--lang",
                lang,
                "--theme",
                "cooperation",
                "-o",
                str(path),
                env=env,
            )
            files[lang, fmt] = path
    return files


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_demo_annex_pdf(demo_annexes, lang):
    with pdfplumber.open(demo_annexes[lang, "pdf"]) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
        orange = {
            round(r["top"])
            for p in pdf.pages[:1]
            for r in p.rects
            if r.get("non_stroking_color")
            and [round(c, 2) for c in r["non_stroking_color"]] == [0.96, 0.69, 0.51]
        }
    facilitation = "Facilitation priority" if lang == "en" else "Priorité de la facilitation"
    assert facilitation in text and "\n274 " in text and "\n290 " in text
    assert orange, "the facilitation's orange is painted"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_demo_annex_docx_and_xlsx_mark_274_and_290(demo_annexes, lang):
    table = Document(demo_annexes[lang, "docx"]).tables[-1]
    shaded = set()
    for row in table.rows[1:]:
        shd = row.cells[1]._tc.tcPr.find(qn("w:shd")) if row.cells[1]._tc.tcPr is not None else None
        if shd is not None and shd.get(qn("w:fill")) == ORANGE:
            shaded.add(row.cells[0].paragraphs[0].text)  # the flag bar follows
    assert shaded == {"274", "290"}
    sheet = load_workbook(demo_annexes[lang, "xlsx"]).worksheets[0]
    orange = {r[0].value for r in sheet.iter_rows(min_row=2) if r[0].fill.fgColor.rgb.endswith(ORANGE)}
    assert orange == {274, 290}
    flags = {r[0].value: r[3].value for r in sheet.iter_rows(min_row=2)}
    assert flags[274].count("\n") == 1 and "(" in flags[274] and flags[275] and not flags[149]
