"""In Chromium: landing by role, the editor's queue and bell, a bulk change (and a refused one), and every
main page on a 390 px phone: nothing scrolls sideways and the first result is on the first screen."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from coopreview.core.demo import demo_load
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.followup.models import Action
from coopreview.followup.services import progress_update_create
from coopreview.recommendations.models import PriorityFlag, Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "coopreview-demo"  # noqa: S105 — the demo accounts' published password


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    return {r.reference: r for r in Recommendation.objects.all()}


@pytest.fixture
def shots(request) -> Path:
    """Screenshots of the run, kept for a person to look at (pytest's temporary directory)."""
    return request.getfixturevalue("tmp_path_factory").mktemp("screens")


def test_editor_lands_on_queue_reads_notifications_and_changes_a_selection(browser_page, demo, shots):
    page = browser_page
    court = User.objects.get(username="court")
    action = Action.objects.filter(lead__code="OTP").first()
    progress_update_create(action=action, by=court, text="Template drafted", progress=40)
    sign_in(page, "editor", PASSWORD)

    assert page.url.endswith("/me/queue/")
    assert "1 progress update awaiting validation" in page.inner_text("main")
    assert action.title in page.inner_text("main")
    assert_accessible(page, context="queue")
    page.screenshot(path=str(shots / "queue.png"), full_page=True)

    page.click("a.bell")
    assert page.locator(".notifications li.unread").count() >= 1
    assert_accessible(page, context="notifications")
    page.get_by_role("button", name="Mark all read").click()
    assert page.locator("a.bell .count").count() == 0

    flag = PriorityFlag.objects.get(name="Facilitation priority")
    unflagged = [r for r in demo.values() if not r.priority_flags.filter(pk=flag.pk).exists()][:2]
    page.goto(page.base_url + "/recommendations/")
    for rec in unflagged:
        page.check(f"#select-{rec.pk}")
    page.click("details.bulk > summary")
    page.select_option("#bulk_change", f"add_flag:{flag.pk}")
    page.fill("#bulk_reason", "Discussed in the facilitation")
    page.screenshot(path=str(shots / "bulk-action.png"), full_page=True)
    assert_accessible(page, context="bulk form")
    page.get_by_role("button", name="Apply to the selected").click()

    assert "2 recommendations changed." in page.inner_text(".messages")
    for rec in unflagged:
        assert rec.priority_flags.filter(pk=flag.pk).exists()
        assert rec.history.first().history_change_reason == "Discussed in the facilitation"


def test_refused_bulk_change_lists_each_record_and_writes_nothing(browser_page, demo, shots):
    page = browser_page
    sign_in(page, "facilitator", PASSWORD)
    assert page.url.endswith("/me/")  # the facilitator lands on "My work"
    flag = PriorityFlag.objects.get(name="Facilitation priority")
    rec = next(r for r in demo.values() if not r.priority_flags.filter(pk=flag.pk).exists())

    page.goto(page.base_url + "/recommendations/")
    page.check(f"#select-{rec.pk}")
    page.click("details.bulk > summary")
    page.select_option("#bulk_change", f"add_flag:{flag.pk}")
    page.fill("#bulk_reason", "Ours")
    page.get_by_role("button", name="Apply to the selected").click()

    text = page.inner_text("main")
    assert "nothing was changed" in text and f"{rec.source.symbol} {rec.reference}" in text
    assert_accessible(page, context="refused bulk change")
    page.screenshot(path=str(shots / "bulk-refused.png"), full_page=True)
    assert not rec.priority_flags.filter(pk=flag.pk).exists()


# (path, selector of the first result); @REF is the id of the recommendation REF
PHONE_PAGES = [
    ("/recommendations/", "table.recommendations tbody tr"),
    ("/recommendations/?group=on", "section.cluster"),
    ("/recommendations/@274/", ".rec-text"),
    ("/followup/", ".chart"),
    ("/followup/schedule/", "#mine-title"),
    ("/search/?q=witness", ".hit"),
    ("/meetings/", "table.meetings tbody tr"),
    ("/cooperation/", "main ul li"),
    ("/imports/", "input[type=file]"),
    ("/me/", "#awaits-title"),
    ("/me/queue/", "#queue-updates + ul li"),
]


def test_phone_nothing_scrolls_sideways_and_first_result_on_first_screen(browser_page, demo, shots):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "editor", PASSWORD)

    for path, first in PHONE_PAGES:
        page.goto(page.base_url + path.replace("@274", str(demo["274"].pk)))
        width = page.evaluate("document.documentElement.scrollWidth")
        box = page.locator(first).first.bounding_box()
        name = "".join(c if c.isalnum() else "-" for c in path.strip("/")) or "home"
        page.screenshot(path=str(shots / f"phone-{name}.png"))

        assert width <= 390, f"{path} is {width} px wide"
        assert box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= 844, (path, box)

    page.goto(page.base_url + "/recommendations/")
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.is_visible()  # folded behind the Menu button
    page.click("details.menu > summary")
    assert nav.is_visible()
    assert not page.locator("form.filters").is_visible()
    page.click("details.filters-fold > summary >> nth=0")
    assert page.locator("form.filters").is_visible()
    assert_accessible(page, context="phone list, menu and filters open")
    page.screenshot(path=str(shots / "phone-menu-filters-open.png"))


def test_wide_screen_shows_menu_and_filters_without_opening(browser_page, demo):
    page = browser_page
    page.goto(page.base_url + "/recommendations/")

    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.locator("form.filters").is_visible()
    assert not page.locator("details.menu > summary").is_visible()
