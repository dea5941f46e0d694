"""Invitations: one email per invitee with a valid .ics (parsed back), updates, cancellation, the feed."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail

from coopreview.core.testing import client_for
from coopreview.meetings import services
from coopreview.meetings.models import UserPreference

HIDDEN = ("Zebracode", "Quokkacode", "zebracode", "quokkacode")


def _calendar(message) -> tuple[str, icalendar.Calendar]:
    ((name, content, mimetype),) = message.attachments
    assert name == "invite.ics"
    payload = content if isinstance(content, bytes) else content.encode()
    return mimetype, icalendar.Calendar.from_ical(payload)


def _event(cal: icalendar.Calendar) -> icalendar.Event:
    (event,) = cal.walk("VEVENT")
    return event


def _send(meeting, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.invitations_send(meeting=meeting, by=editor)


def test_invitations_carry_a_request_ics_per_invitee(meeting, editor, django_capture_on_commit_callbacks):
    count = _send(meeting, editor, django_capture_on_commit_callbacks)

    assert count == 5
    assert sorted(m.to[0] for m in mail.outbox) == [
        "court@example.org",
        "facilitator@example.org",
        "guest@example.net",
        "observer@example.org",
        "state@example.org",
    ]
    for message in mail.outbox:
        mimetype, cal = _calendar(message)
        event = _event(cal)
        assert "method=REQUEST" in mimetype
        assert cal["METHOD"] == "REQUEST" and cal["VERSION"] == "2.0"
        assert str(event["UID"]) == meeting.uid
        assert event["SEQUENCE"] == 0
        assert str(event["SUMMARY"]) == meeting.title
        assert event.decoded("DTSTART") == meeting.start
        assert event.decoded("DTEND") == meeting.end
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
        assert str(event["ATTENDEE"]) == "mailto:" + message.to[0]
        assert message.subject == f"Invitation: {meeting.title}"


def test_invitee_never_sees_agenda_items_hidden_from_them(
    meeting, editor, django_capture_on_commit_callbacks
):
    _send(meeting, editor, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}

    for address in ("observer@example.org", "guest@example.net", "state@example.org"):
        message = by_address[address]
        description = str(_event(_calendar(message)[1])["DESCRIPTION"])
        assert "Cooperation agreements" in description and "Any other business" in description
        assert "Quokkacode" not in description and "Quokkacode" not in message.body
    for address in ("observer@example.org", "guest@example.net"):
        text = str(_event(_calendar(by_address[address])[1])["DESCRIPTION"]) + by_address[address].body
        assert not any(word in text for word in HIDDEN)
    member_text = str(_event(_calendar(by_address["state@example.org"])[1])["DESCRIPTION"])
    assert "Zebracode witness relocation" in member_text
    otp_text = str(_event(_calendar(by_address["court@example.org"])[1])["DESCRIPTION"])
    assert "Quokkacode prosecutor matter" in otp_text


def test_a_change_raises_the_sequence_and_sends_an_update(
    meeting, editor, django_capture_on_commit_callbacks
):
    _send(meeting, editor, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=meeting, by=editor, place="Room 2, ICC", start=meeting.start + timedelta(hours=1)
        )

    assert len(mail.outbox) == 5
    event = _event(_calendar(mail.outbox[0])[1])
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == meeting.uid
    assert "Room 2, ICC" in str(event["LOCATION"])
    assert event.decoded("DTSTART") == meeting.start + timedelta(hours=1)
    assert mail.outbox[0].subject.startswith("Updated invitation")


def test_a_change_nobody_would_notice_sends_nothing(meeting, editor, django_capture_on_commit_callbacks):
    _send(meeting, editor, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, by=editor, place=meeting.place)

    assert mail.outbox == []
    assert type(meeting).objects.get(pk=meeting.pk).sequence == 0


def test_cancelling_sends_method_cancel(meeting, editor, django_capture_on_commit_callbacks):
    _send(meeting, editor, django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, by=editor)

    assert len(mail.outbox) == 5
    mimetype, cal = _calendar(mail.outbox[0])
    event = _event(cal)
    assert cal["METHOD"] == "CANCEL" and "method=CANCEL" in mimetype
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    assert str(event["UID"]) == meeting.uid
    assert "Cooperation agreements" not in str(event["DESCRIPTION"])


def test_no_email_when_the_transaction_rolls_back(meeting, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitations_send(meeting=meeting, by=editor)

    assert len(callbacks) == 1 and mail.outbox == []


def test_calendar_feed_lists_the_users_meetings_without_hidden_items(meeting, observer, make_meeting, client):
    make_meeting(title="A meeting the observer is not part of", days=30)
    token = services.feed_token_renew(user=observer).feed_token

    response = client.get(f"/meetings/calendar/{token}.ics")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [meeting.title]
    assert not any(word in response.content.decode() for word in HIDDEN)


def test_revoked_or_replaced_feed_address_stops_working(observer, meeting, client):
    first = services.feed_token_renew(user=observer).feed_token
    second = services.feed_token_renew(user=observer).feed_token

    assert client.get(f"/meetings/calendar/{first}.ics").status_code == 404
    assert client.get(f"/meetings/calendar/{second}.ics").status_code == 200
    services.feed_token_revoke(user=observer)
    assert client.get(f"/meetings/calendar/{second}.ics").status_code == 404
    assert client.get("/meetings/calendar/.ics").status_code == 404
    assert UserPreference.objects.get(user=observer).history.count() == 3


def test_calendar_page_creates_and_revokes_the_address(observer):
    client = client_for(observer)

    client.post("/meetings/calendar/", {"action": "renew"})
    token = UserPreference.objects.get(user=observer).feed_token
    page = client.get("/meetings/calendar/").content.decode()
    client.post("/meetings/calendar/", {"action": "revoke"})

    assert token and f"/meetings/calendar/{token}.ics" in page
    assert UserPreference.objects.get(user=observer).feed_token == ""


def test_meeting_ics_download_is_for_those_who_see_the_meeting(meeting, observer, outsider):
    response = client_for(observer).get(f"/meetings/{meeting.pk}/meeting.ics")

    event = _event(icalendar.Calendar.from_ical(response.content))
    assert str(event["UID"]) == meeting.uid
    assert not any(word in str(event["DESCRIPTION"]) for word in HIDDEN)
    assert client_for(outsider).get(f"/meetings/{meeting.pk}/meeting.ics").status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "observer"])
def test_sending_invitations_needs_an_organiser(request, meeting, persona):
    client = client_for(request.getfixturevalue(persona))

    response = client.post(f"/meetings/{meeting.pk}/invite/")

    assert response.status_code in (403, 404)
    assert mail.outbox == []
