"""Issue 14, item 2 in Chromium: the facilitation sets and clears its own priority flag on a
recommendation page; the source's flag is not offered to it."""

import pytest

from coopreview.core.demo import demo_load
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.recommendations.models import Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "coopreview-demo"  # noqa: S105 — the demo accounts' published password


def test_facilitator_sets_and_clears_facilitation_priority(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    rec = Recommendation.objects.get(reference="149", source__symbol="ICC-ASP/19/16")
    page = browser_page
    sign_in(page, "facilitator", PASSWORD)
    page.goto(f"{page.base_url}/recommendations/{rec.pk}/")
    own = page.get_by_role("region", name="Your organisation's priority flags")

    assert "IER Annex I priority" not in own.inner_text()
    own.get_by_role("button", name="Set “Facilitation priority”").click()
    page.get_by_text("Facilitation priority set.").wait_for()
    facts = page.locator("dl.facts").first.inner_text()
    assert "Facilitation priority (Facilitation on cooperation)" in " ".join(facts.split())
    assert_accessible(page, context="own flags")
    assert [f.name for f in rec.priority_flags.all()] == ["Facilitation priority"]

    page.get_by_role("button", name="Clear “Facilitation priority”").click()
    page.get_by_text("Facilitation priority cleared.").wait_for()
    assert list(rec.priority_flags.all()) == []
