"""The progress report and the follow-up columns, as of a date and since a date."""

from datetime import timedelta

import pdfplumber
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from coopreview.reports.builders import build_annex, build_progress, build_sheet
from coopreview.reports.exporters import export
from coopreview.reports.exporters.to_html import render_html


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def statuses(report) -> dict[str, str]:
    return {r.reference: r.status for r in report.rows}


def test_progress_as_of_an_earlier_date_shows_the_statuses_of_that_date(followup_seed, editor_options):
    now = build_progress(editor_options())
    then = build_progress(editor_options(as_of=ago(30)))
    before = build_progress(editor_options(as_of=ago(70)))

    assert statuses(now)["274"] == "Categorised" and statuses(now)["290"] == "Implemented"
    assert statuses(then)["274"] == "Categorised" and statuses(then)["290"] == "Not yet categorised"
    assert statuses(before)["274"] == "Not yet categorised"
    assert [p.status for p in {r.reference: r for r in now.rows}["274"].parts] == [
        "In progress",
        "Categorised",
    ] or [p.status for p in {r.reference: r for r in now.rows}["274"].parts] == ["Categorised", "In progress"]
    total = now.tables[0].total
    by_label = dict(zip([s.label for s in now.statuses], total.counts, strict=True))
    assert by_label["Categorised"] == 1 and by_label["Implemented"] == 1
    assert by_label["Not yet categorised"] == 15 and total.total == 17
    assert "<svg" in now.chart_svg and "Implemented: 1" in now.chart_svg


def test_changes_since_a_date_newest_first(followup_seed, editor_options):
    report = build_progress(editor_options(since=ago(15)))

    whats = [(c.label, c.details) for c in report.changes]
    assert len(report.changes) == 2  # the view (20 days) and the categorisation (60 days) are older
    assert "290" in report.changes[0].label  # implemented 5 days ago: the newest
    assert "274" in whats[1][0] and "status: Categorised → In progress" in whats[1][1]


def test_status_lead_and_views_columns_of_the_annex(followup_seed, editor_options):
    report = build_annex(editor_options(columns=["reference", "status", "lead", "views"]))
    then = build_annex(editor_options(columns=["reference", "views"], as_of=ago(30)))

    row = {r.reference: r for r in report.rows}["274"]
    assert row.status == "Categorised" and "Office of the Prosecutor" in row.lead
    assert row.views == ["Office of the Prosecutor: A uniform framework is not practical"]
    assert {r.reference: r for r in then.rows}["274"].views == []


def test_outsider_progress_leaves_hidden_parts_and_changes_out(leak_data, outsider, editor, orgs):
    from coopreview.core.history import save_with_history
    from coopreview.followup.models import FollowupPart
    from coopreview.reports.builders import ReportOptions

    for rec in leak_data.values():
        save_with_history(
            FollowupPart(
                recommendation=rec, addressee=orgs["ICC"], side="court", narrative=f"Narrative {rec.text}"
            ),
            by=editor,
        )

    report = build_progress(ReportOptions(user=outsider, since=timezone.localdate()))

    assert [r.reference for r in report.rows] == ["1"]
    text = " ".join(c.label + " ".join(c.details) for c in report.changes)
    assert "zebracode" not in text and "quokkacode" not in text
    assert report.tables[0].total.total == 1


def test_progress_files_show_the_statuses(followup_seed, editor_options, tmp_path):
    report = build_progress(editor_options(as_of=ago(3), since=ago(15), lang="fr"))
    for fmt in ("pdf", "docx", "xlsx"):
        export(report, fmt, tmp_path / f"progress.{fmt}")

    with pdfplumber.open(tmp_path / "progress.pdf") as pdf:
        text = " ".join(p.extract_text() for p in pdf.pages).replace("\n", " ")
    assert "Rapport sur l’état de mise en œuvre" in text and "Changements depuis le" in text
    assert "Pas encore" in text and "catégorisée" in text and "Special operations fund created." in text
    document = Document(tmp_path / "progress.docx")
    statuses_table = document.tables[-1]
    rows = {r.cells[0].text: r for r in statuses_table.rows}
    assert "Special operations fund created." in rows["290"].cells[4].text
    workbook = load_workbook(tmp_path / "progress.xlsx")
    counts = workbook.worksheets[0]
    assert counts._charts, "the counts sheet carries a native bar chart"
    status_sheet = workbook.worksheets[1]
    values = {r[0].value: r[2].value for r in status_sheet.iter_rows(min_row=2)}
    assert values[290] != values[149]


def test_sheet_has_parts_views_and_status_history(followup_seed, editor_options):
    report = build_sheet(editor_options(reference="274"))

    sections = dict(report.sections)
    assert any("In progress" in line for line in sections["Parts per addressee"])
    assert sections["Stakeholder views"][0].startswith("Office of the Prosecutor: A uniform framework")
    assert any("Categorised → In progress" in line for line in sections["Status history"])
    then = dict(build_sheet(editor_options(reference="274", as_of=ago(30))).sections)
    assert not any("In progress" in line for line in then["Parts per addressee"])


def test_changes_since_read_as_sentences_grouped_by_recommendation(followup_seed, editor_options):
    from django.utils import formats, timezone

    report = build_progress(editor_options(since=ago(15)))
    french = build_progress(editor_options(since=ago(15), lang="fr"))

    ten_days_ago = formats.date_format(timezone.localdate() - timedelta(days=10), "j F Y")
    assert [g.heading for g in report.change_groups] == ["ICC-ASP/19/16 274", "ICC-ASP/19/16 290"]
    sentences = report.change_groups[0].sentences
    assert (
        f"Status moved from Categorised to In progress on {ten_days_ago} by Review Mechanism"
        " (follow-up part of International Criminal Court)." in sentences
    )
    assert any(s.startswith("Narrative set to") or s.startswith("Narrative moved") for s in sentences)
    assert any(
        s.startswith("Statut : passage de Catégorisée à En cours le ")
        for s in french.change_groups[0].sentences
    )
    html = render_html(report)
    assert "<h3>ICC-ASP/19/16 274</h3>" in html and "Status moved from Categorised to In progress" in html
