"""Browser test: inviting the three organs through their focal points, and arranging the agenda."""

import pytest
from django.core import mail

from coopreview.core.demo import demo_load
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.meetings.demo import THREE_ORGANS
from coopreview.meetings.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inviting_organisations_and_arranging_the_agenda(browser_page):
    demo_load()
    meeting = Meeting.objects.get(title=THREE_ORGANS)
    page = browser_page
    sign_in(page, "editor", "coopreview-demo")

    page.goto(page.base_url + f"/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Send invitations").click()
    invited = page.locator("ul.invited").inner_text()
    assert "court@example.org" in invited and "registry@example.org" in invited
    assert "Tomasz Lewandowski" in invited
    assert "no focal point on the platform" in page.locator("ul.not-invited").inner_text()
    assert_accessible(page, context="invitation confirmation")
    page.get_by_role("button", name="Send the invitations now").click()
    page.get_by_text("Invitations sent.").wait_for()
    assert "registry@example.org" in {m.to[0] for m in mail.outbox}

    first, second = meeting.agenda_items.order_by("position")[:2]
    page.get_by_role("button", name=f"Move down — {first.title}").click()
    page.locator(f"#item-{first.pk}").wait_for()
    headings = page.locator("ol.agenda > li h3").all_inner_texts()
    assert headings[:2] == [second.title, first.title]
    page.get_by_role("button", name=f"Remove — {first.title}").click()
    page.get_by_text("removed from the agenda").wait_for()
    assert first.title not in page.locator("ol.agenda").inner_text()
    assert_accessible(page, context="meeting with agenda buttons")
