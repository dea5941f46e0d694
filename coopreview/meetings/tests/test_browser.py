"""Browser test of the whole path: set up a meeting, invite, hold it, minute it, decide, approve, and see
the follow-up changed on the recommendation page."""

import icalendar
import pytest
from django.core import mail

from coopreview.core.demo import demo_load
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.recommendations.models import PriorityFlag, Recommendation, flag_label

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    demo_load()
    return {r.reference: r for r in Recommendation.objects.all()}


def test_meeting_from_setup_to_approved_minutes_changes_the_follow_up(browser_page, demo):
    page = browser_page
    rec = demo["276"]
    assert not rec.priority_flags.exists()
    sign_in(page, "editor", "coopreview-demo")

    page.goto(page.base_url + "/meetings/")
    assert_accessible(page, context="meeting list")
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Title").fill("Review Mechanism meeting on domestic cooperation")
    page.get_by_label("Type").select_option(label="Review Mechanism")
    page.get_by_label("Start").fill("2027-05-12T10:00")
    page.get_by_label("End").fill("2027-05-12T13:00")
    page.get_by_label("Place").fill("World Forum, The Hague")
    page.get_by_label("Organisers").select_option(label="Review Mechanism")
    assert_accessible(page, context="meeting form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Meeting created.").wait_for()

    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Title").fill("Technical session")
    page.get_by_label("Start").fill("2027-05-12T10:30")
    page.get_by_label("End").fill("2027-05-12T12:00")
    page.get_by_label("Room").fill("Room A")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Session added.").wait_for()

    page.get_by_role("link", name="Add a participant").click()
    page.get_by_label("Role").select_option(label="Speaker")
    page.get_by_label("Person (user)").select_option(label="court")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Participant added.").wait_for()

    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Title").fill("Review of domestic cooperation legislation")
    # Several recommendations: their numbers (or addresses) typed, as in the knowledge forms.
    page.get_by_label("Recommendations", exact=True).fill(f"{rec.pk}, /recommendations/{demo['277'].pk}/")
    assert_accessible(page, context="agenda item form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Agenda item added.").wait_for()
    item_text = page.locator("ol.agenda li").first.inner_text()
    assert "ICC-ASP/19/16 276" in item_text and "ICC-ASP/19/16 277" in item_text

    page.get_by_role("button", name="Send invitations").click()
    assert "court@example.org" in page.locator("ul.invited").inner_text()
    page.get_by_role("button", name="Send the invitations now").click()
    page.get_by_text("Invitations sent.").wait_for()
    assert [m.to for m in mail.outbox] == [["court@example.org"]]
    cal = icalendar.Calendar.from_ical(mail.outbox[0].attachments[0][1])
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Review Mechanism meeting on domestic cooperation"
    assert event["DTSTART"].dt.hour == 10 and event["DTSTART"].params["TZID"] == "Europe/Amsterdam"

    page.get_by_role("button", name="Mark as held").click()
    page.get_by_role("button", name="Mark as held anyway").click()  # the meeting has not started yet
    page.get_by_text("Meeting marked as held").wait_for()
    page.get_by_role("link", name="Write minutes — Review of domestic cooperation legislation").click()
    page.get_by_label("Minutes").fill("The OTP will share its review of domestic laws with States.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Minutes saved.").wait_for()

    page.get_by_role("link", name="Record a decision — Review of domestic cooperation legislation").click()
    page.get_by_label("Decision", exact=True).fill(
        "The Review Mechanism follows this recommendation as a priority."
    )
    page.get_by_label("Follow-up change").select_option(label="Set a priority flag")
    page.get_by_label("Recommendation it acts on").select_option(label="ICC-ASP/19/16 276")
    # the editors curate the source's flags; the facilitation's own flag is the facilitation's to set
    annex_flag = PriorityFlag.objects.get(name="IER Annex I priority")
    page.get_by_label("Priority flag", exact=True).select_option(label=flag_label(annex_flag))
    assert_accessible(page, context="decision form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Decision recorded").wait_for()
    assert "applies when the minutes are approved" in page.locator("ol.agenda").inner_text()
    assert_accessible(page, context="meeting detail")

    page.get_by_role("button", name="Approve the minutes").click()
    page.get_by_text("Minutes approved; 1 follow-up change(s) applied.").wait_for()

    page.get_by_role("link", name="ICC-ASP/19/16 276").click()
    page.get_by_role("heading", name="Recommendation 276").wait_for()
    assert "IER Annex I priority" in page.locator("dl.facts").first.inner_text()
    panel = page.locator("section.meetings-panel").inner_text()
    assert "Review Mechanism meeting on domestic cooperation" in panel and "(applied)" in panel
    assert "Decided at the meeting" in page.locator("section.history").inner_text()
    assert_accessible(page, context="recommendation with meetings panel")


def test_a_participant_sees_the_meeting_but_no_organiser_buttons(browser_page, demo):
    page = browser_page
    sign_in(page, "state", "coopreview-demo")

    page.goto(page.base_url + "/meetings/")
    page.get_by_role("link", name="Obstacles to cooperation in practice").first.click()
    page.get_by_role("heading", name="Sessions").wait_for()
    assert "Introduction by the principals of the Court" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Send invitations").count() == 0
    assert_accessible(page, context="meeting detail as participant")
