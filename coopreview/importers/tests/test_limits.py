"""Hostile files fail fast with a clear message, under 500 MB, leaving nothing behind."""

import html
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from coopreview.importers import jobs, services
from coopreview.importers.enums import JobStatus
from coopreview.importers.parsers import limits
from coopreview.recommendations.models import Recommendation

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Matrix" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def sheet_xml(dimension: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main">{dimension}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Text</t>'
        '</is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )


def huge_sheet_xlsx(path, *, dimension=True):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in XLSX_PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/worksheets/sheet1.xml", sheet_xml('<dimension ref="A1:XFD1048576"/>' if dimension else "")
        )
    return path


def zip_bomb(path, member: str, *, size: int, parts: dict[str, str]):
    """A DOCX/XLSX whose one member inflates to `size` bytes of spaces (compressed ~1000:1)."""
    chunk = b" " * MB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open(member, "w", force_zip64=True) as fh:
            for _ in range(size // MB):
                fh.write(chunk)
    return path


def refused(path, **kw) -> tuple[str, float, int]:
    """Parse and plan `path`; (message, seconds, peak bytes of this process and of the parsing child)."""
    tracemalloc.start()
    limits.Isolated.peak_bytes = 0
    started = time.monotonic()
    with pytest.raises(services.ImportRefused) as error:
        services.parse_file(path, file=path.name, **kw)
    seconds = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return str(error.value), seconds, max(peak, limits.Isolated.peak_bytes)


def test_xlsx_declaring_cell_xfd1048576_is_refused_before_reading(files):
    path = huge_sheet_xlsx(files.dir / "huge.xlsx")

    message, seconds, peak = refused(path)

    assert path.stat().st_size < 2000
    assert message == (
        "huge.xlsx, sheet1: the sheet declares 1,048,576 rows × 16,384 columns, more than the 200,000 rows "
        "or 5,000,000 cells allowed; nothing was read."
    )
    assert seconds < 5 and peak < 500 * MB


def test_xlsx_with_a_far_cell_but_no_dimension_is_stopped_by_the_memory_limit(files):
    path = huge_sheet_xlsx(files.dir / "far.xlsx", dimension=False)

    message, seconds, peak = refused(path)

    assert message in (
        "far.xlsx: reading the file needed more than the 400 MB of memory allowed; it was stopped and "
        "nothing was kept.",
        "far.xlsx: more than 200,000 rows; split the file and import the parts.",
    )
    assert seconds < 60 and peak < 500 * MB


@pytest.mark.parametrize(
    ("name", "member", "parts"),
    [("bomb.xlsx", "xl/worksheets/sheet1.xml", XLSX_PARTS), ("bomb.docx", "word/document.xml", {})],
)
def test_zip_bombs_are_refused_by_their_uncompressed_size(files, name, member, parts):
    path = zip_bomb(files.dir / name, member, size=300 * MB, parts=parts)

    message, seconds, peak = refused(path, format=name.rsplit(".", 1)[1])

    assert path.stat().st_size < 2 * MB
    assert message == (
        f"{name}: the file would unpack to 300 MB, more than the 200 MB allowed (a “zip bomb”, or a document "
        "too large to import); nothing was read."
    )
    assert seconds < 5 and peak < 500 * MB


def test_pdf_of_5000_pages_is_refused_by_its_page_count(files):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(5000):
        writer.add_blank_page(width=595, height=842)
    path = files.dir / "long.pdf"
    with path.open("wb") as fh:
        writer.write(fh)

    message, seconds, peak = refused(path)

    assert message == (
        "long.pdf: 5,000 pages, more than the 1,000 allowed; import the part that holds the recommendations."
    )
    assert seconds < 20 and peak < 500 * MB


def test_csv_of_1_5_million_rows_is_refused_at_the_row_cap(files):
    path = files.dir / "rows.csv"
    path.write_text("Reference,Text\n" + "".join(f"{n},x\n" for n in range(1_500_000)), encoding="utf-8")

    message, seconds, peak = refused(path)

    assert message == "rows.csv: more than 200,000 rows; split the file and import the parts."
    assert seconds < 60 and peak < 500 * MB


def test_parsing_past_the_deadline_is_stopped(files, settings, monkeypatch):
    from coopreview.importers.parsers import csv as csv_parser

    settings.IMPORT_MAX_SECONDS = 1
    monkeypatch.setattr(csv_parser, "parse", lambda *a, **kw: time.sleep(30))  # the forked child inherits it
    path = files.csv("slow.csv", [["Reference", "Text"], ["1", "x"]])

    message, seconds, peak = refused(path)

    assert (
        message
        == "slow.csv: reading the file took longer than 1 seconds; it was stopped and nothing was kept."
    )
    assert seconds < 5 and peak < 500 * MB


def test_parsing_past_the_memory_limit_is_stopped(files, monkeypatch):
    from coopreview.importers.parsers import csv as csv_parser

    def greedy(*args, **kwargs):
        return bytearray(2048 * MB)

    monkeypatch.setattr(csv_parser, "parse", greedy)
    path = files.csv("greedy.csv", [["Reference", "Text"], ["1", "x"]])

    message, seconds, peak = refused(path)

    assert message == (
        "greedy.csv: reading the file needed more than the 400 MB of memory allowed; it was stopped and "
        "nothing was kept."
    )
    assert seconds < 10 and peak < 500 * MB


def test_preview_too_large_fails_the_upload_and_leaves_nothing_behind(orgs, editor, settings):
    settings.IMPORT_MAX_PREVIEW_BYTES = 20_000
    rows = "Reference,Text\n" + "".join(f"R{n},Recommendation number {n}.\n" for n in range(500))
    upload = SimpleUploadedFile("many.csv", rows.encode())

    # The parse runs as a job (inline in tests) as soon as the file is stored.
    job = jobs.import_job_create(by=editor, upload=upload, source="X/1", format="auto", mark_flag="")

    assert job.status == JobStatus.FAILED
    assert job.error.startswith("many.csv: the preview would take 0 MB, more than the 0 MB allowed")
    assert job.preview == {} and not job.upload
    assert not default_storage.exists("imports") or default_storage.listdir("imports")[1] == []
    assert Recommendation.objects.count() == 0


def test_hostile_upload_on_the_web_is_a_clear_4xx(client, editor, files, settings):
    client.force_login(editor)
    path = huge_sheet_xlsx(files.dir / "huge.xlsx")

    upload = SimpleUploadedFile("huge.xlsx", path.read_bytes())
    data = {"file": upload, "format": "auto", "source": "X/1", "mark_flag": "Priority"}

    response = client.post("/imports/", data)

    assert response.status_code == 422
    assert "huge.xlsx, sheet1: the sheet declares 1,048,576 rows" in html.unescape(response.content.decode())
    assert not any((Path(settings.MEDIA_ROOT) / "imports").glob("*"))
    assert Recommendation.objects.count() == 0


def test_isolated_parse_returns_the_records(files):
    path = files.csv("ok.csv", [["Reference", "Text"], ["1", "Do it."]])

    used, result = services.parse_file(path, file=path.name, format="csv")

    assert [r.text for r in result.records] == ["Do it."]
    # measured in the child: a tiny file adds next to nothing to what it inherited
    assert limits.Isolated.seconds > 0 and 0 <= limits.Isolated.peak_bytes < 500 * MB
