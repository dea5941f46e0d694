import pytest

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.lineage.models import Link, RejectedPair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_confirm_reject_and_see_link_on_both_records(browser_page, facilitator, sets):
    page = browser_page
    sign_in(page, "facilitator", PASSWORD)

    page.goto(page.base_url + f"/lineage/review/?rec={sets['new_opcat'].pk}&target={sets['old'].pk}")
    assert_accessible(page, context="review page")
    first = page.locator("article.suggestion").first
    assert "67.1" in first.locator("h3").inner_text()
    first.get_by_label("Link type").select_option("supersedes")
    first.get_by_label("Why").fill("Asked again in the next cycle")
    first.get_by_role("button", name="Confirm link").click()
    first.get_by_text("Confirmed:").wait_for()
    second = page.locator("article.suggestion").nth(1)
    second.get_by_role("button", name="Reject").click()
    second.get_by_text("will not be suggested again").wait_for()

    link = Link.objects.get()
    assert (link.from_recommendation, link.to_recommendation, link.link_type) == (
        sets["new_opcat"],
        sets["old_opcat"],
        "supersedes",
    )
    assert RejectedPair.objects.count() == 1
    page.goto(page.base_url + f"/recommendations/{sets['old_opcat'].pk}/")
    panel = page.locator("section.lineage-panel")
    assert "is superseded by" in panel.inner_text() and "A/HRC/20/1 90.1" in panel.inner_text()
    assert "Asked again in the next cycle" in panel.inner_text()
    page.goto(page.base_url + f"/recommendations/{sets['new_opcat'].pk}/")
    assert "supersedes A/HRC/8/1 67.1" in page.locator("section.lineage-panel").inner_text()
    assert_accessible(page, context="recommendation page with links")
    page.goto(page.base_url + f"/lineage/review/?rec={sets['new_opcat'].pk}&target={sets['old'].pk}")
    headings = page.locator("article.suggestion h3").all_inner_texts()
    assert not any("67.1" in h for h in headings)  # confirmed pair no longer suggested
