"""Builders of small real files (XLSX, CSV in each encoding, DOCX with shading, PDF via WeasyPrint)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from coopreview.core.shared_data import seed_letter, upr_dir

SEED = seed_letter()
UPR = upr_dir()
DEMO_JSON = Path(__file__).resolve().parents[1] / "core" / "data" / "demo_ier_cooperation_annex.json"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a request in French must not leave French active after it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


def write_xlsx(path: Path, rows: list[list], *, sheet: str = "Matrix") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_docx(
    path: Path, rows: list[list[str]], *, shaded: set[int] = frozenset(), header: str = ""
) -> Path:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    table = document.add_table(rows=0, cols=len(rows[0]))
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
            if index in shaded:
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:fill"), "FFFF00")
                cell._tc.get_or_add_tcPr().append(shd)
    document.save(path)
    return path


def write_pdf(path: Path, html: str) -> Path:
    from weasyprint import HTML

    HTML(string=html).write_pdf(path)
    return path


@pytest.fixture
def files(tmp_path):
    class Files:
        xlsx = staticmethod(lambda name, rows, **kw: write_xlsx(tmp_path / name, rows, **kw))
        csv = staticmethod(lambda name, rows, **kw: write_csv(tmp_path / name, rows, **kw))
        docx = staticmethod(lambda name, rows, **kw: write_docx(tmp_path / name, rows, **kw))
        pdf = staticmethod(lambda name, html: write_pdf(tmp_path / name, html))
        dir = tmp_path

    return Files
