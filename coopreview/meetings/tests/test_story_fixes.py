"""Meetings as walked through the seed letter's story (issue 14, item 5)."""

import pytest
from django.core import mail

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.meetings import services
from coopreview.meetings.enums import MeetingStatus, ParticipantRole
from coopreview.meetings.models import Meeting, UserPreference
from coopreview.meetings.notifications import invitation_plan


def test_organisations_are_invited_through_their_focal_points(
    make_meeting, editor, court_focal_point, registry_focal_point, orgs, django_capture_on_commit_callbacks
):
    meeting = make_meeting()
    for code in ("OTP", "REGISTRY", "FRA"):  # FRA has no focal point on the platform
        services.participant_add(meeting=meeting, by=editor, organisation=orgs[code], role="participant")
    UserPreference.objects.create(user=registry_focal_point, language="fr")

    page = client_for(editor).get(f"/meetings/{meeting.pk}/invite/")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client_for(editor).post(f"/meetings/{meeting.pk}/invite/", follow=True)

    body = page.content.decode()
    assert "court@example.org" in body and "registry@example.org" in body
    assert "France — no focal point on the platform" in body
    assert_valid_html(page.content)
    assert sorted(m.to[0] for m in mail.outbox) == ["court@example.org", "registry@example.org"]
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["court@example.org"].subject.startswith("Invitation:")
    assert "as a focal point of Office of the Prosecutor" in by_address["court@example.org"].body
    assert by_address["registry@example.org"].subject.startswith("Invitation :")  # French, her choice
    sent_body = sent.content.decode()
    assert "Invited:" in sent_body and "Not invited: France (no focal point on the platform)" in sent_body


def test_links_in_emails_and_ics_use_site_url(meeting, editor, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://coopreview.example.org"

    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=meeting, by=editor)

    assert mail.outbox
    assert all(f"https://coopreview.example.org/meetings/{meeting.pk}/" in m.body for m in mail.outbox)
    payload = mail.outbox[0].attachments[0][1]
    ics_text = payload.decode() if isinstance(payload, bytes) else payload
    assert "https://coopreview.example.org/meetings/" in ics_text.replace("\r\n ", "")


@pytest.mark.parametrize("persona", ["outsider", "observer", "court_focal_point"])
def test_only_organisers_see_the_invitation_list(request, meeting, persona):
    response = client_for(request.getfixturevalue(persona)).get(f"/meetings/{meeting.pk}/invite/")

    assert response.status_code in (403, 404)
    assert "guest@example.net" not in response.content.decode()


def test_marking_held_before_the_start_asks_first(meeting, editor, outsider):
    client = client_for(editor)

    asked = client.post(f"/meetings/{meeting.pk}/held/")
    still_planned = Meeting.objects.get(pk=meeting.pk).status
    refused = client_for(outsider).post(f"/meetings/{meeting.pk}/held/", {"confirm": "yes"})
    confirmed = client.post(f"/meetings/{meeting.pk}/held/", {"confirm": "yes"})

    assert asked.status_code == 200 and "before it starts?" in asked.content.decode()
    assert_valid_html(asked.content)
    assert still_planned == MeetingStatus.PLANNED
    assert refused.status_code in (403, 404)
    assert confirmed.status_code == 302
    held = Meeting.objects.get(pk=meeting.pk)
    assert held.status == MeetingStatus.HELD
    assert held.history.first().history_change_reason == "Meeting held (marked before its start)"


def test_service_refuses_an_early_held_without_confirmation(meeting, editor):
    from coopreview.core.exceptions import ServiceError

    with pytest.raises(ServiceError, match="has not started yet"):
        services.meeting_mark_held(meeting=meeting, by=editor)

    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_a_started_meeting_is_marked_held_at_once(make_meeting, editor):
    meeting = make_meeting(days=-1)

    response = client_for(editor).post(f"/meetings/{meeting.pk}/held/")

    assert response.status_code == 302 and Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD


def test_a_person_attends_for_an_organisation(make_meeting, editor, court_focal_point, orgs):
    meeting = make_meeting()
    services.participant_add(meeting=meeting, by=editor, organisation=orgs["OTP"], role="participant")

    p = services.participant_add(
        meeting=meeting,
        by=editor,
        organisation=orgs["OTP"],
        user=court_focal_point,
        role=ParticipantRole.SPEAKER,
    )

    assert str(
        p
    ) == "Office of the Prosecutor, for Office of the Prosecutor" or "for Office of the Prosecutor" in str(p)
    invited, _not = invitation_plan(meeting)
    assert [i.email for i in invited] == ["court@example.org"]  # once, not twice


def test_language_preference_page_and_pages_after_sign_in(editor, outsider):
    client = client_for(editor)

    saved = client.post("/meetings/calendar/", {"action": "language", "language": "fr"})
    bad = client.post("/meetings/calendar/", {"action": "language", "language": "de"})

    assert saved.status_code == 302 and saved.cookies["django_language"].value == "fr"
    assert UserPreference.objects.get(user=editor).language == "fr"
    assert UserPreference.objects.get(user=editor).history.first().history_change_reason == "Language"
    assert bad.status_code == 422
    fresh = client_for(editor)  # a new sign-in, on a browser with no language cookie
    page = fresh.get("/meetings/")
    assert '<html lang="fr"' in page.content.decode()
    assert not UserPreference.objects.filter(user=outsider).exists()


def _titles(meeting) -> list[str]:
    return list(meeting.agenda_items.order_by("position", "pk").values_list("title", flat=True))


def test_agenda_items_are_reordered_and_removed(meeting, editor):
    client = client_for(editor)
    items = {i.title: i for i in meeting.agenda_items.all()}

    client.post(f"/meetings/items/{items['Any other business'].pk}/move/", {"direction": "up"})
    client.post(f"/meetings/items/{items['Cooperation agreements'].pk}/move/", {"direction": "up"})  # first
    bad = client.post(
        f"/meetings/items/{items['Cooperation agreements'].pk}/move/", {"direction": "sideways"}
    )
    removed = client.post(f"/meetings/items/{items['Zebracode witness relocation'].pk}/remove/")
    page = client.get(f"/meetings/{meeting.pk}/")

    assert _titles(meeting) == [
        "Cooperation agreements",
        "Any other business",
        "Quokkacode prosecutor matter",
    ]
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    assert bad.status_code == 409 and "“up” or “down”" in bad.content.decode()
    assert removed.status_code == 302
    assert "Removed from the agenda" in {
        r.history_change_reason for r in items["Zebracode witness relocation"].history.all()
    }
    assert "Move up — Any other business" in page.content.decode()
    assert_valid_html(page.content)


@pytest.mark.parametrize("persona", ["outsider", "observer", "court_focal_point"])
def test_only_organisers_reorder_or_remove(request, meeting, persona):
    client = client_for(request.getfixturevalue(persona))
    last = meeting.agenda_items.order_by("position").last()

    moved = client.post(f"/meetings/items/{last.pk}/move/", {"direction": "up"})
    removed = client.post(f"/meetings/items/{last.pk}/remove/")

    assert moved.status_code in (403, 404) and removed.status_code in (403, 404)
    assert _titles(meeting)[-1] == "Any other business" and meeting.agenda_items.count() == 4


def test_an_item_with_decisions_stays_on_the_agenda(meeting, editor):
    services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    item = meeting.agenda_items.get(title="Any other business")
    client_for(editor).post(f"/meetings/items/{item.pk}/decisions/new/", {"text": "Noted."})

    response = client_for(editor).post(f"/meetings/items/{item.pk}/remove/")

    assert response.status_code == 409 and "stays on the agenda" in response.content.decode()
    assert meeting.agenda_items.filter(pk=item.pk).exists()
