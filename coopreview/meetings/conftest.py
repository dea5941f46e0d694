"""Meeting fixtures: a planned meeting in The Hague with the personas and one agenda item per access layer."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from coopreview.meetings import services
from coopreview.meetings.enums import DEFAULT_TIME_ZONE, MeetingType, ParticipantRole
from coopreview.meetings.forms import local_datetime
from coopreview.meetings.models import Meeting
from coopreview.recommendations.models import PriorityFlag


def hague(text: str) -> datetime:
    return local_datetime(datetime.fromisoformat(text), DEFAULT_TIME_ZONE)


@pytest.fixture
def flag(db) -> PriorityFlag:
    return PriorityFlag.objects.create(name="Facilitation priority", name_fr="Priorité de la facilitation")


@pytest.fixture
def make_meeting(editor, orgs):
    def make(title: str = "Dialogue with the Court's points of contact", days: int = 10, **extra) -> Meeting:
        start = (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        data = {
            "title": title,
            "type": MeetingType.FACILITATION,
            "start": start,
            "end": start + timedelta(hours=3),
            "time_zone": DEFAULT_TIME_ZONE,
            "place": "ICC, The Hague",
            "organisers": [orgs["FAC-COOP"]],
        }
        return services.meeting_create(by=editor, **{**data, **extra})

    return make


@pytest.fixture
def meeting(make_meeting, editor, facilitator, court_focal_point, observer, state_focal_point, leak_data):
    """Planned; persons: facilitator (chair), OTP focal point, State focal point, an observer, an external
    person; agenda: the public, members-only and OTP-restricted recommendations and one free item."""
    m = make_meeting()
    for user, role in [
        (facilitator, ParticipantRole.CHAIR),
        (court_focal_point, ParticipantRole.SPEAKER),
        (state_focal_point, ParticipantRole.PARTICIPANT),
        (observer, ParticipantRole.OBSERVER),
    ]:
        services.participant_add(meeting=m, by=editor, user=user, role=role)
    services.participant_add(
        meeting=m, by=editor, name="Jane Guest", email="guest@example.net", role=ParticipantRole.OBSERVER
    )
    for key, title in [
        ("public", "Cooperation agreements"),
        ("members", "Zebracode witness relocation"),
        ("restricted", "Quokkacode prosecutor matter"),
    ]:
        services.agenda_item_add(meeting=m, by=editor, title=title, recommendations=[leak_data[key]])
    services.agenda_item_add(meeting=m, by=editor, title="Any other business")
    return Meeting.objects.get(pk=m.pk)
