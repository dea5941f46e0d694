"""Issue 17 in Chromium: "what changed" with more changes than it counts (the cap lowered to a few): the
reader is told "more than", pages on with Next to the last change and back with Previous, in English
and in French, and the pages pass the accessibility checks."""

import pytest

from coopreview.core.demo import demo_load
from coopreview.core.testing import assert_accessible
from coopreview.followup import selectors
from coopreview.followup.views import overview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CAP, SIZE = 4, 3


def test_paging_past_the_cap_reaches_every_change(browser_page, settings, tmp_path, monkeypatch):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    demo_load()
    monkeypatch.setattr(overview, "CHANGES_COUNTED_UP_TO", CAP)
    monkeypatch.setattr(overview, "PAGE_SIZE", SIZE)
    today = timezone.localdate()
    total = len(
        selectors.changes_between(user=AnonymousUser(), start=today - timezone.timedelta(days=30), end=today)
    )
    assert total > 2 * SIZE > CAP
    page = browser_page
    page.goto(f"{page.base_url}/followup/changes/")

    page.get_by_text(f"More than {CAP} changes in this period").wait_for()
    assert_accessible(page, context="changes past the cap")
    seen, number = 0, 1
    pages = page.get_by_role("navigation", name="Pages")
    while True:
        seen += page.locator("ol.changes > li").count()
        assert pages.get_by_text(f"Page {number}", exact=True).is_visible()
        if not pages.get_by_role("link", name="Next").count():
            break
        pages.get_by_role("link", name="Next").click()
        number += 1
        page.get_by_text(f"Page {number}", exact=True).wait_for()
    assert seen == total and number == -(-total // SIZE)
    pages.get_by_role("link", name="Previous").click()
    page.get_by_text(f"Page {number - 1}", exact=True).wait_for()

    page.get_by_role("button", name="Français").click()
    page.get_by_text(f"Plus de {CAP} changements dans cette période").wait_for()
    assert page.get_by_role("navigation", name="Pages").get_by_role("link", name="Suivante").is_visible()
    assert_accessible(page, context="changes past the cap, in French")
