import io
import json

import pytest
from django.core.management import CommandError, call_command

from coopreview.importers.conftest import SEED
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_json_prints_only_the_json_array(orgs):
    out, _err = run("import", str(SEED), "--json")
    data = json.loads(out)
    assert len(data) == 17
    assert {
        "reference",
        "text",
        "section",
        "addressees",
        "priority_flags",
        "recommended_by",
        "response",
        "page",
    } <= set(data[0])
    assert data[4]["reference"] == "274" and data[4]["priority_flags"] == ["Priority"]
    assert Recommendation.objects.count() == 0


def test_dry_run_shows_the_diff_and_writes_nothing(orgs):
    out, _err = run("import", str(SEED), "--source", "ICC-ASP/19/16", "--dry-run")
    assert "17 new, 0 changed, 0 unchanged, 0 could not be read" in out
    assert "NEW      ICC-ASP/19/16 274" in out
    assert "Dry run: nothing written." in out
    assert Recommendation.objects.count() == 0


def test_import_applies_and_reimport_is_unchanged(orgs, editor):
    out, _err = run("import", str(SEED), "--source", "ICC-ASP/19/16", "--user", "editor")
    assert "Applied: 17 new, 0 changed." in out
    assert Recommendation.objects.get(reference="149").history.latest().history_user == editor
    out, _err = run("import", str(SEED), "--source", "ICC-ASP/19/16")
    assert "0 new, 0 changed, 17 unchanged" in out


def test_bad_files_are_command_errors_naming_the_file(orgs, files):
    empty = files.dir / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty.pdf: the file is empty"):
        run("import", str(empty), "--source", "X/1")
    dup = files.csv("dup.csv", [["Reference", "Text"], ["R1", "a"], ["R1", "b"]])
    with pytest.raises(CommandError, match="dup.csv: 1 problem"):
        run("import", str(dup), "--source", "X/1")
    with pytest.raises(CommandError, match="nope.csv: no such file"):
        run("import", str(files.dir / "nope.csv"))
    assert Recommendation.objects.count() == 0


def test_xlsx_export_edit_reimport_is_a_lossless_round_trip(orgs, editor, files):
    from openpyxl import load_workbook

    run("import", str(SEED), "--source", "ICC-ASP/19/16", "--mark-flag", "Facilitation priority")
    path = files.dir / "export.xlsx"
    run("export", "--format", "xlsx", "-o", str(path))
    # unchanged file: nothing to do
    out, _err = run("import", str(path), "--dry-run")
    assert "0 new, 0 changed, 17 unchanged, 0 could not be read" in out

    workbook = load_workbook(path)
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "281")
    row[headers.index("Text")].value = "Consideration should be given to opening the RFA database."
    workbook.save(path)

    out, _err = run("import", str(path), "--dry-run")
    assert "0 new, 1 changed, 16 unchanged" in out
    assert "CHANGED  ICC-ASP/19/16 281" in out
    assert out.count("→") == 1 and "text: Consideration should be given to the RFA database" in out
    run("import", str(path))
    assert (
        Recommendation.objects.get(reference="281").text
        == "Consideration should be given to opening the RFA database."
    )
    r274 = Recommendation.objects.get(reference="274")
    assert [f.name for f in r274.priority_flags.all()] == ["Facilitation priority"]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_json_and_csv_exports_round_trip_unchanged(orgs, files, fmt):
    run("import", str(SEED), "--source", "ICC-ASP/19/16")
    path = files.dir / f"export.{fmt}"
    run("export", "--format", fmt, "-o", str(path))
    out, _err = run("import", str(path), "--dry-run")
    assert "0 new, 0 changed, 17 unchanged" in out


def test_export_as_user_respects_visibility(leak_data, observer, files):
    path = files.dir / "observer.json"
    run("export", "--format", "json", "-o", str(path), "--as-user", "observer")
    texts = " ".join(item["text"] for item in json.loads(path.read_text()))
    assert "Public recommendation" in texts
    assert "zebracode" not in texts and "quokkacode" not in texts
    everything = files.dir / "all.json"
    run("export", "--format", "json", "-o", str(everything))
    assert len(json.loads(everything.read_text())) == 3


def test_export_filters(leak_data, files):
    path = files.dir / "members.csv"
    run("export", "--format", "csv", "-o", str(path), "--visibility", Visibility.MEMBERS)
    body = path.read_text()
    assert "zebracode" in body and "quokkacode" not in body
    with pytest.raises(CommandError, match="No source “NO/SUCH”"):
        run("export", "--format", "csv", "-o", str(path), "--source", "NO/SUCH")
    run("export", "--format", "csv", "-o", str(path), "--organ", "OTP")
    assert path.read_text().count("\n") == 1  # header only: no record addressed to the OTP


def test_export_template(files, db):
    from openpyxl import load_workbook

    path = files.dir / "template.xlsx"
    run("export", "--template", "-o", str(path))
    headers = [c.value for c in load_workbook(path).active[1]]
    assert headers[:3] == ["Reference", "Source", "Text"]
