import pdfplumber
import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook


def report(*args: str) -> None:
    call_command("report", *args)


def test_annex_for_a_user_in_french(seed, tmp_path):
    out = tmp_path / "annexe.pdf"

    report(
        "annex",
        "--format",
        "pdf",
        "--lang",
        "fr",
        "--as-user",
        "editor",
        "--flag",
        "Facilitation priority",
        "-o",
        str(out),
    )

    with pdfplumber.open(out) as pdf:
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Annexe — Liste des recommandations" in text and "Priorité : Priorité de la facilitation" in text
    assert "\n274 " in text and "\n290 " in text and "\n149 " not in text


def test_columns_and_sheet_per_cluster(seed, tmp_path):
    out = tmp_path / "annex.xlsx"

    report("annex", "-f", "xlsx", "--columns", "reference,organ,flags", "--sheet-per-cluster", "-o", str(out))

    workbook = load_workbook(out)
    first = workbook[workbook.sheetnames[0]]
    assert [c.value for c in first[1]] == ["No.", "Organ or body", "Priorities", "Cluster"]


def test_without_as_user_only_public_records_are_reported(leak_data, tmp_path, capsys):
    out = tmp_path / "annex.html"

    report("annex", "-f", "html", "-o", str(out))

    html = out.read_text(encoding="utf-8")
    assert "Public recommendation on cooperation agreements." in html
    assert "zebracode" not in html and "quokkacode" not in html
    assert "Public records only" in capsys.readouterr().err


def test_an_outsider_gets_no_hidden_record(leak_data, outsider, court_focal_point, tmp_path):
    report("annex", "-f", "html", "--as-user", "outsider", "-o", str(tmp_path / "outsider.html"))
    report("annex", "-f", "html", "--as-user", "court", "-o", str(tmp_path / "court.html"))

    assert "quokkacode" not in (tmp_path / "outsider.html").read_text()
    assert "quokkacode" in (tmp_path / "court.html").read_text()
    with pytest.raises(CommandError, match="No recommendation with the reference “3” is available to you"):
        report(
            "sheet", "-f", "pdf", "--reference", "3", "--as-user", "outsider", "-o", str(tmp_path / "s.pdf")
        )
    with pytest.raises(CommandError, match="--source: nothing is called"):
        report(
            "annex", "-f", "pdf", "--source", "nope", "--as-user", "outsider", "-o", str(tmp_path / "x.pdf")
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["minutes", "-f", "pdf"],
            "report: “minutes” is not a known Report. Choose among: annex, progress, sheet",
        ),
        (["annex", "-f", "odt"], "format: “odt” is not a known Format"),
        (["annex", "-f", "pdf", "--lang", "de"], "lang: “de” is not a known Language"),
        (["annex", "-f", "pdf", "--as-of", "2026-01-01", "--since", "2026-02-01"], "wrong order"),
        (["annex", "-f", "pdf", "--as-of", "1999-12-31"], "no data as of 1999-12-31"),
        (["annex", "-f", "pdf", "--as-of", "31/12/2025"], "as_of: Enter a valid date"),
        (["annex", "-f", "pdf", "--q", "nothingmatchesthis"], "No recommendation matches this selection"),
        (["annex", "-f", "pdf", "--columns", "reference,colour"], "Unknown column(s): colour"),
        (["sheet", "-f", "pdf"], "reference: The sheet needs the reference"),
        (["annex", "-f", "pdf", "--as-user", "nobody"], "No active user named “nobody”"),
        (["annex", "-f", "pdf", "--addressee", "moon"], "--addressee: “moon” is not one of"),
    ],
)
def test_bad_input_is_a_clear_error_and_leaves_no_file(seed, tmp_path, args, message):
    out = tmp_path / "out" / "report.bin"

    with pytest.raises(CommandError) as error:
        report(*args, "-o", str(out))

    assert message in str(error.value)
    assert not out.exists() and not any(tmp_path.rglob("*.part"))


def test_bad_input_exits_non_zero_from_the_console(seed, tmp_path):
    import subprocess
    import sys

    result = subprocess.run(  # noqa: S603 — our own interpreter and module
        [
            sys.executable,
            "-m",
            "coopreview",
            "report",
            "annex",
            "-f",
            "pdf",
            "--lang",
            "de",
            "-o",
            str(tmp_path / "x.pdf"),
        ],
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "coopreview.config.settings",
            "COOPREVIEW_DATA_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
    )

    assert result.returncode != 0
    assert "CommandError: lang: “de” is not a known Language" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()
