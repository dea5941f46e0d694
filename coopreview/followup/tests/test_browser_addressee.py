"""Issue 14, item 3 in Chromium: the Bureau-approved categorisation of 276 (Court → Assembly and
Court) is the addressee of the list, its filter, the page and its timeline."""

import pytest

from coopreview.core.demo import demo_load
from coopreview.core.testing import sign_in
from coopreview.recommendations.models import Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "coopreview-demo"  # noqa: S105 — the demo accounts' published password


def test_approved_categorisation_reaches_list_page_and_timeline(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    rec = Recommendation.objects.get(reference="276", source__symbol="ICC-ASP/19/16")
    page = browser_page
    sign_in(page, "editor", PASSWORD)
    page.goto(f"{page.base_url}/recommendations/{rec.pk}/")
    cat = page.get_by_role("region", name="Categorisation")

    cat.get_by_text("Propose a categorisation").click()
    cat.get_by_label("Proposed categorisation").select_option("both")
    cat.get_by_role("button", name="Propose").click()
    page.get_by_text("Categorisation proposed.", exact=True).wait_for()
    cat.get_by_text("Record the approval").first.click()
    cat.get_by_label("Approved on").fill("2021-06-28")
    cat.get_by_role("button", name="Record the approval").click()
    page.get_by_text("Approval recorded.", exact=True).wait_for()
    page.reload()

    assert "Assembly & Court" in page.locator("dl").first.inner_text()
    history = page.get_by_role("region", name="History").inner_text()
    assert "Categorisation approved: Assembly and Court" in history
    page.goto(f"{page.base_url}/recommendations/?addressee=assembly&q=276")
    row = page.locator("tr", has=page.get_by_role("link", name="276", exact=True))
    assert "Assembly & Court" in row.inner_text()
