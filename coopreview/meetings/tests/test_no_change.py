"""A meeting form posted back with its own values writes nothing: no history row, no new "last updated",
no new invitation sequence and no e-mail to the invitees; "No changes to save."."""

from django.core import mail

from coopreview.core.testing import client_for, form_values
from coopreview.meetings import services
from coopreview.meetings.models import Meeting


def trace(meeting) -> tuple:
    meeting = Meeting.objects.get(pk=meeting.pk)
    return meeting.history.count(), meeting.updated_at, meeting.sequence, len(mail.outbox)


def test_meeting_form_posted_back_unchanged_writes_nothing(
    meeting, editor, orgs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=meeting, by=editor)
    client = client_for(editor)
    url = f"/meetings/{meeting.pk}/edit/"
    data = form_values(client.get(url).content, field="time_zone")
    before = trace(meeting)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)

    assert response.redirect_chain == [(f"/meetings/{meeting.pk}/", 302)]
    assert "No changes to save." in response.content.decode()
    assert trace(meeting) == before
    # One more organiser only: a change, one history row (not a calendar change: no new invitation).
    data["organisers"] = [*data.get("organisers", []), str(orgs["RM"].pk)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    after = trace(meeting)
    assert after[0] == before[0] + 1 and after[1] > before[1] and after[2:] == before[2:]
    assert set(Meeting.objects.get(pk=meeting.pk).organisers.values_list("code", flat=True)) == {
        "FAC-COOP",
        "RM",
    }
