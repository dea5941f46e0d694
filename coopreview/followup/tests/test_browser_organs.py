"""Issue 14, item 4 in Chromium: the Registry cannot edit the OTP's part of 274; once the OTP keeps
it confidential, the Registry no longer sees it at all."""

import pytest

from coopreview.core.demo import demo_load
from coopreview.core.testing import assert_accessible, post_with_token, sign_in
from coopreview.followup.models import FollowupPart
from coopreview.recommendations.models import Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "coopreview-demo"  # noqa: S105 — the demo accounts' published password
NARRATIVE = "The Office agrees and will issue internal guidelines"


def test_registry_cannot_edit_then_cannot_see_the_prosecutors_part(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    rec = Recommendation.objects.get(reference="274", source__symbol="ICC-ASP/19/16")
    part = FollowupPart.objects.get(recommendation=rec, side="court")
    page = browser_page
    url = f"{page.base_url}/recommendations/{rec.pk}/"

    sign_in(page, "registry", PASSWORD)
    page.goto(url)
    court = page.locator("article.part-court")
    assert NARRATIVE in court.inner_text()
    assert "Only the Office of the Prosecutor edits this part" in court.inner_text()
    assert court.get_by_text("Edit the Court part").count() == 0
    assert post_with_token(page, f"/followup/part/{part.pk}/", {"budgetary": "no", "narrative": "x"}) == 403
    assert_accessible(page, context="Court part seen by the Registry")

    page.context.clear_cookies()
    sign_in(page, "court", PASSWORD)
    page.goto(url)
    court = page.locator("article.part-court")
    court.get_by_text("Edit the Court part").click()
    court.get_by_label("Confidential to the lead organ").check()
    court.get_by_role("button", name="Save the part").click()
    page.get_by_text("saved.").first.wait_for()
    assert "confidential to the lead organ" in page.locator("article.part-court").inner_text()

    page.context.clear_cookies()
    sign_in(page, "registry", PASSWORD)
    page.goto(url)
    assert NARRATIVE not in page.content()
    assert page.locator("article.part-court").count() == 0
