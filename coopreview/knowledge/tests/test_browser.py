"""Browser flows: a State focal point maintains their profile; a Court user finds requirements and
case law from the one search box; an anonymous visitor sees only public entries; English and French;
an editor shares a practice through the form."""

import re

import pytest
from playwright.sync_api import expect

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_state_focal_point_maintains_profile(browser_page, knowledge_data, state_focal_point, editor):
    page = browser_page
    profile = knowledge_data["profiles"]["public"]
    sign_in(page, "state", PASSWORD)
    page.goto(page.base_url + "/cooperation/states/SEN/")
    section = page.locator("#measure-witnesses")
    expect(section).to_contain_text("Last verified on")
    assert_accessible(page, context="state profile")

    section.get_by_role("button", name="Still accurate: mark as verified today").click()

    expect(page.locator(".messages")).to_contain_text("verified today")
    profile.refresh_from_db()
    assert profile.last_verified_by == state_focal_point
    # people are shown by name and organisation, never by login name; this persona has no full name
    expect(page.locator("#measure-witnesses .freshness")).to_contain_text("by Senegal")
    page.locator("#measure-witnesses").get_by_role("link", name="Propose a change").click()
    page.get_by_label("Typical processing time", exact=True).fill("Ten weeks")
    page.get_by_label("Why this change?").fill("New circular")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.locator(".messages")).to_contain_text("sent to the editors")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "editor", PASSWORD)
    page.goto(page.base_url + "/cooperation/review/")
    expect(page.locator("main")).to_contain_text("Ten weeks")
    assert_accessible(page, context="review queue")
    page.get_by_role("button", name="Accept").click()
    expect(page.locator(".messages")).to_contain_text("Decision recorded")
    page.goto(page.base_url + "/cooperation/states/SEN/")
    expect(page.locator("#measure-witnesses")).to_contain_text("Ten weeks")


def test_court_user_finds_requirements_and_case_law(browser_page, knowledge_data, court_focal_point):
    page = browser_page
    sign_in(page, "court", PASSWORD)
    page.goto(page.base_url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()

    page.get_by_label(re.compile("Search recommendations")).fill(
        "requirements for witness relocation in Senegal"
    )
    page.get_by_label(re.compile("Search recommendations")).press("Enter")

    first = page.locator(".hit").first
    expect(first).to_contain_text("Senegal")
    expect(first.locator("mark").first).to_be_visible()
    assert_accessible(page, context="search")
    first.get_by_role("link").click()
    expect(page.locator("#measure-witnesses")).to_contain_text("Decision on witness relocation")
    expect(page.locator("#measure-witnesses")).to_contain_text("secretline")  # Court users see contacts

    page.goto(page.base_url + "/search/?q=witness+relocation")
    page.locator(".facets").get_by_role("link", name="Case law").click()
    expect(page.locator(".hit").first).to_contain_text("Decision on witness relocation")
    expect(page.locator(".hit")).to_have_count(1)


def test_anonymous_sees_public_entries_and_counts_in_french(browser_page, knowledge_data, leak_data):
    page = browser_page
    page.goto(page.base_url + "/search/?q=")
    page.get_by_role("button", name="Français").click()

    page.get_by_label(re.compile("Rechercher")).fill("temoins")
    page.get_by_label(re.compile("Rechercher")).press("Enter")

    results = page.locator("#search-results")
    expect(results).to_contain_text("Décision sur la réinstallation des")
    expect(results).not_to_contain_text("zebracode")
    expect(results).not_to_contain_text("quokkacode")
    assert_accessible(page, context="search in French")
    page.goto(page.base_url + "/search/?q=zebracode")
    expect(page.locator("#result-count")).to_contain_text("0 résultat")
    page.goto(page.base_url + "/cooperation/states/SEN/")
    expect(page.locator("main")).to_contain_text("Les demandes de réinstallation de témoins")
    expect(page.locator("main")).not_to_contain_text("secretline")


def test_editor_creates_practice_through_the_form(browser_page, editor):
    page = browser_page
    sign_in(page, "editor", PASSWORD)
    page.goto(page.base_url + "/cooperation/practices/")
    page.get_by_role("link", name="New practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New practice")
    assert_accessible(page, context="new practice form")

    page.get_by_label("Title", exact=True).fill("Relocation through regional partners")
    page.get_by_label("Title (French)").fill("Réinstallation par des partenaires régionaux")
    page.get_by_label("Summary", exact=True).fill("Three States share the relocation of witnesses.")
    page.get_by_label("State or organ").select_option(label="Senegal")
    page.get_by_label("Type of measure").select_option(label="Protection and relocation of witnesses")
    page.get_by_label("Reason for the change").fill("Shared at the cooperation retreat")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Relocation through regional partners")
    expect(page.locator(".messages")).to_contain_text("Practice created")
    expect(page.locator("main")).to_contain_text("Senegal · Protection and relocation of witnesses")
    page.get_by_role("link", name="Edit", exact=True).click()
    history = page.locator("section[aria-labelledby=history-title]")
    expect(history).to_contain_text("Shared at the cooperation retreat")
    assert_accessible(page, context="practice edit page with attachments")
