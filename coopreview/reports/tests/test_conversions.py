"""Slow-ish: the files open in LibreOffice (converted to PDF without error) and the PDFs render to images.

Marked `slow`; they run in CI, where `scripts/install --test` installs LibreOffice and poppler-utils.
Outside CI they are skipped, with the reason, when the tools are absent.
"""

import subprocess

import pdfplumber
import pytest

from coopreview.reports.builders import build_annex, build_progress
from coopreview.reports.conftest import require_tool
from coopreview.reports.exporters import export

pytestmark = pytest.mark.slow


def convert(path, outdir) -> "pathlib.Path":  # noqa: F821
    libreoffice = require_tool("libreoffice")
    profile = outdir / "lo-profile"  # a private profile: runs in parallel never share a lock
    result = subprocess.run(  # noqa: S603 — fixed arguments
        [
            libreoffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = outdir / (path.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), result.stderr
    assert "Error" not in result.stderr, result.stderr
    return pdf


def render(pdf, outdir) -> list:
    pdftoppm = require_tool("pdftoppm")
    result = subprocess.run(  # noqa: S603
        [pdftoppm, "-r", "40", "-png", str(pdf), str(outdir / pdf.stem)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    images = sorted(outdir.glob(f"{pdf.stem}*.png"))
    assert images and all(i.stat().st_size > 2000 for i in images)  # rendered pages, not blanks
    return images


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_docx_and_xlsx_annex_convert_in_libreoffice(editor_options, tmp_path, lang):
    report = build_annex(editor_options(lang=lang))
    docx = export(report, "docx", tmp_path / f"annex-{lang}.docx")
    xlsx = export(report, "xlsx", tmp_path / f"annex-{lang}-sheet.xlsx")

    word_pdf = convert(docx, tmp_path)
    excel_pdf = convert(xlsx, tmp_path)

    with pdfplumber.open(word_pdf) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
        pages = len(pdf.pages)
    assert "274" in text and "290" in text
    assert f"{'Page' if lang == 'en' else 'Page'} 1 {'of' if lang == 'en' else 'sur'} {pages}" in text
    with pdfplumber.open(excel_pdf) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "development of a uniform cooperation framework" in text.replace("\n", " ")
    render(word_pdf, tmp_path)


def test_progress_converts_and_the_pdf_renders(followup_seed, editor_options, tmp_path):
    report = build_progress(editor_options())
    convert(export(report, "docx", tmp_path / "progress.docx"), tmp_path)
    convert(export(report, "xlsx", tmp_path / "progress-book.xlsx"), tmp_path)
    pdf = export(report, "pdf", tmp_path / "progress-weasy.pdf")

    images = render(pdf, tmp_path)

    assert len(images) >= 2
