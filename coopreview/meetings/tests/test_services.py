from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coopreview.core.exceptions import ServiceError
from coopreview.meetings import services
from coopreview.meetings.enums import DEFAULT_TIME_ZONE, MeetingStatus, MeetingType, ParticipantRole
from coopreview.meetings.models import AgendaItem, Meeting, Participant, Session
from coopreview.meetings.services import MeetingPermissionDenied


def test_meeting_create_keeps_history_and_a_stable_uid(make_meeting, editor):
    meeting = make_meeting()

    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.uid.endswith("@coopreview") and meeting.sequence == 0
    assert meeting.history.count() == 1
    assert meeting.history.first().history_user == editor
    assert [o.code for o in meeting.organisers.all()] == ["FAC-COOP"]


def test_meeting_end_before_start_is_refused_and_nothing_saved(make_meeting):
    start = timezone.now() + timedelta(days=2)

    with pytest.raises(ValidationError) as exc:
        make_meeting(start=start, end=start - timedelta(hours=1))

    assert "end" in exc.value.message_dict
    assert Meeting.objects.count() == 0


def test_meeting_unknown_time_zone_is_refused(make_meeting):
    with pytest.raises(ValidationError) as exc:
        make_meeting(time_zone="Europe/Atlantis")

    assert "Europe/Atlantis" in " ".join(exc.value.message_dict["time_zone"])
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "observer", "state_focal_point", "court_focal_point"])
def test_only_editors_and_facilitators_organise_meetings(request, orgs, persona):
    user = request.getfixturevalue(persona)

    start = timezone.now() + timedelta(days=1)

    with pytest.raises(MeetingPermissionDenied):
        services.meeting_create(
            by=user,
            title="Not allowed",
            type=MeetingType.BUREAU,
            start=start,
            end=start + timedelta(hours=1),
            time_zone=DEFAULT_TIME_ZONE,
        )

    assert not Meeting.objects.filter(title="Not allowed").exists()


def test_facilitator_may_organise(facilitator):
    start = timezone.now() + timedelta(days=1)
    meeting = services.meeting_create(
        by=facilitator,
        title="Facilitation meeting",
        type=MeetingType.FACILITATION,
        start=start,
        end=start + timedelta(hours=2),
        time_zone="Europe/Paris",
    )

    assert meeting.pk and meeting.time_zone == "Europe/Paris"


def test_sessions_in_the_same_room_may_not_overlap(meeting, editor):
    start = meeting.start
    services.session_add(
        meeting=meeting,
        by=editor,
        title="Introduction",
        start=start,
        end=start + timedelta(hours=1),
        room="Room A",
    )

    with pytest.raises(ValidationError) as exc:
        services.session_add(
            meeting=meeting,
            by=editor,
            title="Technical",
            start=start + timedelta(minutes=30),
            end=start + timedelta(hours=2),
            room="room a",
        )

    assert "Introduction" in exc.value.message_dict["room"][0]
    assert list(Session.objects.values_list("title", flat=True)) == ["Introduction"]


def test_parallel_sessions_in_different_rooms_and_back_to_back_in_one_room_are_fine(meeting, editor):
    start = meeting.start
    hour = timedelta(hours=1)
    services.session_add(meeting=meeting, by=editor, title="A1", start=start, end=start + hour, room="A")
    services.session_add(meeting=meeting, by=editor, title="B1", start=start, end=start + hour, room="B")
    services.session_add(
        meeting=meeting, by=editor, title="A2", start=start + hour, end=start + 2 * hour, room="A"
    )

    assert meeting.sessions.count() == 3


def test_session_end_before_start_and_outside_the_meeting_are_refused(meeting, editor):
    start = meeting.start

    with pytest.raises(ValidationError) as before:
        services.session_add(
            meeting=meeting, by=editor, title="X", start=start + timedelta(hours=1), end=start
        )
    with pytest.raises(ValidationError) as outside:
        services.session_add(
            meeting=meeting, by=editor, title="Y", start=start - timedelta(hours=1), end=start
        )

    assert "end" in before.value.message_dict
    assert "start" in outside.value.message_dict
    assert meeting.sessions.count() == 0


def test_session_speakers_must_be_participants_of_the_meeting(meeting, make_meeting, editor, orgs):
    other = make_meeting(title="Other", days=20)
    stranger = services.participant_add(
        meeting=other, by=editor, organisation=orgs["OTP"], role=ParticipantRole.SPEAKER
    )

    with pytest.raises(ValidationError):
        services.session_add(
            meeting=meeting,
            by=editor,
            title="S",
            start=meeting.start,
            end=meeting.start + timedelta(hours=1),
            speakers=[stranger],
        )


def test_participant_needs_exactly_one_kind_and_no_duplicates(meeting, editor, orgs, facilitator):
    with pytest.raises(ServiceError):
        services.participant_add(meeting=meeting, by=editor, role=ParticipantRole.CHAIR)
    with pytest.raises(ServiceError):
        services.participant_add(
            meeting=meeting, by=editor, organisation=orgs["OTP"], user=facilitator, role=ParticipantRole.CHAIR
        )
    with pytest.raises(ServiceError) as dup:
        services.participant_add(meeting=meeting, by=editor, user=facilitator, role=ParticipantRole.CHAIR)

    assert "facilitator" in str(dup.value)
    assert meeting.participants.filter(user=facilitator).count() == 1


def test_agenda_item_may_not_link_a_recommendation_its_author_cannot_see(meeting, facilitator, leak_data):
    with pytest.raises(MeetingPermissionDenied):
        services.agenda_item_add(
            meeting=meeting, by=facilitator, title="Hidden", recommendations=[leak_data["restricted"]]
        )

    assert not AgendaItem.objects.filter(title="Hidden").exists()


def test_agenda_item_update_keeps_links_its_author_cannot_see(
    meeting, editor, facilitator, observer, leak_data
):
    item = services.agenda_item_add(
        meeting=meeting,
        by=editor,
        title="Both",
        recommendations=[leak_data["public"], leak_data["restricted"]],
    )
    with pytest.raises(MeetingPermissionDenied):  # linking a hidden one is refused, as on adding
        services.agenda_item_update(
            item=item, by=facilitator, title="x", recommendations=[leak_data["restricted"]]
        )
    with pytest.raises(MeetingPermissionDenied):  # an observer does not organise
        services.agenda_item_update(item=item, by=observer, title="x")
    services.agenda_item_update(
        item=item, by=facilitator, title="Renamed", recommendations=[leak_data["members"]], reason="scope"
    )

    item.refresh_from_db()
    assert item.title == "Renamed" and item.history.first().history_change_reason == "scope"
    linked = set(item.recommendations.all())
    assert linked == {leak_data["members"], leak_data["restricted"]}  # the unseen link stays


def test_status_moves_planned_to_held_or_cancelled_only(meeting, editor, make_meeting):
    held = services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    cancelled = services.meeting_cancel(meeting=make_meeting(title="B"), by=editor)

    assert held.status == MeetingStatus.HELD and cancelled.status == MeetingStatus.CANCELLED
    with pytest.raises(ServiceError):
        services.meeting_cancel(meeting=held, by=editor)
    with pytest.raises(ServiceError):
        services.meeting_update(meeting=cancelled, by=editor, title="Revived")
    assert Meeting.objects.get(pk=cancelled.pk).title == "B"


def test_minutes_only_once_held(meeting, editor):
    item = meeting.agenda_items.first()

    with pytest.raises(ServiceError):
        services.agenda_item_set_minutes(item=item, by=editor, minutes="Too early")
    services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    services.agenda_item_set_minutes(item=item, by=editor, minutes="Discussed.")

    assert AgendaItem.objects.get(pk=item.pk).minutes == "Discussed."
    assert Participant.objects.filter(meeting=meeting).count() == 5
