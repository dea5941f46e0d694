"""Browser flows: a Court focal point drafts a request to Senegal from its profile, completes the
checklist and sends it; Senegal's focal point acknowledges it and adds correspondence; another State's
focal point cannot find it; the anonymised statistics are readable by an anonymous visitor."""

import pytest
from playwright.sync_api import expect

from coopreview.assistance.enums import Status
from coopreview.assistance.models import AssistanceRequest
from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_send_and_track(
    browser_page,
    orgs,
    court_focal_point,
    state_focal_point,
    france_focal_point,
    sen_arrest_profile,
    arrest_template,
):
    page = browser_page
    sign_in(page, "court", PASSWORD)
    page.goto(page.base_url + "/assistance/")
    page.get_by_role("link", name="Draft a request").click()
    page.get_by_label("Requesting organ").select_option(label="Office of the Prosecutor")
    page.get_by_label("Requested State").select_option(label="Senegal")
    page.get_by_label("Kind of assistance").select_option("arrest")
    page.get_by_label("Language of the request").select_option("en")
    page.get_by_label("Subject", exact=True).fill("Arrest of okapisuspect")
    assert_accessible(page, context="new request")
    page.get_by_role("button", name="Create the draft").click()

    expect(page.locator(".messages")).to_contain_text("created")
    expect(page.locator(".rfa-body")).to_contain_text("Procureur général walrusauth")
    expect(page.locator(".rfa-requirements")).to_contain_text("does not give the points of contact")
    expect(page.get_by_label("New status", exact=True)).not_to_contain_text(
        "Sent"
    )  # checklist not complete yet
    assert_accessible(page, context="draft")
    for box in page.locator("#checklist input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Save the checklist").click()
    page.get_by_label("New status", exact=True).select_option("sent")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".messages")).to_contain_text("Status recorded: Sent")
    request = AssistanceRequest.objects.get()
    assert request.status == Status.SENT
    assert page.get_by_role("link", name="Download as PDF").get_attribute("href").endswith("export.pdf")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "state", PASSWORD)
    page.goto(page.base_url + "/assistance/")
    page.get_by_role("link", name=request.reference).click()
    page.get_by_label("New status", exact=True).select_option("acknowledged")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".messages")).to_contain_text("Acknowledged")
    page.get_by_label("Direction", exact=True).select_option("in")
    page.get_by_label("Summary", exact=True).fill("Note verbale: executing")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#correspondence")).to_contain_text("Note verbale: executing")
    assert_accessible(page, context="tracking")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "france", PASSWORD)
    page.goto(page.base_url + "/assistance/")
    expect(page.locator("main")).not_to_contain_text("okapisuspect")
    response = page.goto(page.base_url + f"/assistance/{request.pk}/")
    assert response.status == 404
    page.get_by_role("button", name="Sign out").click()

    page.goto(page.base_url + "/assistance/statistics/")
    expect(page.locator("main")).to_contain_text("fewer than 5 (suppressed)")
    expect(page.locator("main")).not_to_contain_text("okapisuspect")
    assert_accessible(page, context="statistics")
