"""Browser tests of the registry's main flows, in Debian's Chromium through Playwright."""

import pytest

from coopreview.core.demo import demo_load
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation, in_flag_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    demo_load()
    return {r.reference: r for r in Recommendation.objects.all()}


def test_editor_filters_searches_opens_edits_and_sees_history(browser_page, demo):
    page = browser_page
    sign_in(page, "editor", "coopreview-demo")

    page.goto(page.base_url + "/recommendations/?group=on")
    assert page.locator("section.cluster h2").count() == 4
    assert page.locator("tr.flagged").count() >= 2  # 274 and 290 in their flag colour
    assert_accessible(page, context="grouped list")

    page.get_by_label("Addressee").select_option("assembly")
    page.wait_for_url("**addressee=assembly**")
    page.get_by_label("Search").fill("focal point arrests")
    page.wait_for_url("**q=focal**")
    rows = page.locator("table.recommendations tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1
    assert "284" in rows.first.inner_text()

    page.get_by_role("link", name="284").click()
    page.get_by_role("heading", name="Recommendation 284").wait_for()
    assert_accessible(page, context="detail")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Text", exact=True).fill("The ASP should appoint a focal point for arrests.")
    page.get_by_label("Reason for the change").fill("Wording agreed at the facilitation")
    page.get_by_role("button", name="Save").click()

    page.get_by_text("Changes saved.").wait_for()
    history = page.locator("section.history")
    assert "Wording agreed at the facilitation" in history.inner_text()
    assert (
        "The ASP should consider appointing a focal point for arrests."
        in history.locator("del").first.inner_text()
    )
    assert "Amara Okonkwo (Review Mechanism)" in history.inner_text()  # by name, not the login "editor"


def test_form_errors_are_shown_next_to_the_field(browser_page, demo):
    page = browser_page
    sign_in(page, "editor", "coopreview-demo")

    page.goto(page.base_url + f"/recommendations/{demo['149'].pk}/edit/")
    page.get_by_label("Text", exact=True).fill("")
    page.get_by_role("button", name="Save").click()

    assert page.locator("#id_text_error").inner_text().strip() == "This field is required."
    assert Recommendation.objects.get(pk=demo["149"].pk).text.startswith("The Court leadership")


def test_switch_to_french(browser_page, demo):
    page = browser_page
    page.goto(page.base_url + "/recommendations/?group=on")

    page.get_by_role("button", name="Français").click()

    page.get_by_role("heading", name="Recommandations", exact=True).wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Destinataire" in page.locator("table.recommendations thead").first.inner_text()
    assert page.locator("span.flag", has_text="Priorité de la facilitation").first.is_visible()
    assert_accessible(page, context="French list")


def test_anonymous_visitor_sees_public_records_only(browser_page, demo):
    hidden = demo["149"]
    hidden.visibility = Visibility.MEMBERS
    hidden.save()
    page = browser_page

    page.goto(page.base_url + "/recommendations/")

    body = page.locator("main").inner_text()
    assert "16 recommendations" in body
    assert "focal point in The Hague" not in body
    response = page.goto(page.base_url + f"/recommendations/{hidden.pk}/")
    assert response.status == 404


def test_member_sign_in_shows_members_records(browser_page, demo):
    demo["149"].visibility = Visibility.MEMBERS
    demo["149"].save()
    page = browser_page

    sign_in(page, "state", "coopreview-demo")  # the demo's State focal point (Senegal)
    page.goto(page.base_url + "/recommendations/")

    assert "17 recommendations" in page.locator("main").inner_text()


def test_by_cluster_view_shows_a_two_flag_row_as_a_split_bar_with_a_legend(browser_page, demo, tmp_path):
    page = browser_page
    sign_in(page, "editor", "coopreview-demo")
    page.goto(page.base_url + "/recommendations/?group=on")
    flags = in_flag_order(demo["274"].priority_flags.select_related("owner"))
    assert len(flags) == 2
    row = page.locator("tr.flagged", has=page.get_by_role("link", name="274", exact=True))
    bar = row.locator(".flag-bar > span")
    assert bar.count() == 2
    # Colours from the generated flags.css, in flag order; the row takes the first.
    painted = [s.evaluate("e => getComputedStyle(e).backgroundColor") for s in bar.all()]
    assert painted == [_rgb(f.colour) for f in flags]
    assert row.locator("th").evaluate("e => getComputedStyle(e).backgroundColor") == _rgb(flags[0].colour)
    legend = page.locator(".flag-legend").first.inner_text()
    for flag in flags:
        assert flag.display_name in legend and flag.owner_name in legend
    assert_accessible(page, context="grouped list with the flag bar")
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "by-cluster-flags.png"), full_page=False)


def _rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"
