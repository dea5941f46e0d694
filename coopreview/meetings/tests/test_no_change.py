"""A meeting form posted back with its own values writes nothing: no history row, no new "last updated",
no new invitation sequence and no e-mail to the invitees; "No changes to save."."""

from django.core import mail

from coopreview.core.edits import saved_nothing
from coopreview.core.testing import client_for, form_values
from coopreview.meetings import services
from coopreview.meetings.models import AgendaItem, Meeting


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


def item_trace(item) -> tuple:
    item = AgendaItem.objects.get(pk=item.pk)
    return item.history.count(), item.updated_at


def test_minutes_form_posted_back_unchanged_writes_nothing(meeting, editor):
    services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    item = meeting.agenda_items.first()
    services.agenda_item_set_minutes(item=item, by=editor, minutes="The States asked for model agreements.")
    client = client_for(editor)
    url = f"/meetings/items/{item.pk}/minutes/"
    data = form_values(client.get(url).content, field="minutes")
    assert data["minutes"] == ["The States asked for model agreements."]
    before = item_trace(item)

    response = client.post(url, data, follow=True)

    assert "No changes to save." in response.content.decode()
    assert item_trace(item) == before
    client.post(url, {**data, "minutes": "The States asked for model agreements, in French too."})
    after = item_trace(item)
    assert after[0] == before[0] + 1 and after[1] > before[1]


def test_agenda_item_update_with_its_own_values_writes_nothing(meeting, editor):
    item = meeting.agenda_items.first()
    before = item_trace(item)
    linked = list(item.recommendations.all())

    same = services.agenda_item_update(
        item=item, by=editor, title=item.title, description=item.description,
        recommendations=linked, action=item.action,
    )  # fmt: skip

    assert saved_nothing(same) and item_trace(item) == before
    services.agenda_item_update(
        item=item, by=editor, title=item.title, description="Now with a description.",
        recommendations=linked, action=item.action,
    )  # fmt: skip
    assert item_trace(item)[0] == before[0] + 1
