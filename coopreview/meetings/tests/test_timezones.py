"""Time zones: The Hague by default, daylight saving time, each user's own zone."""

from datetime import UTC, datetime

import pytest
from django import forms

from coopreview.core.testing import client_for
from coopreview.meetings import services
from coopreview.meetings.forms import MeetingForm, local_datetime
from coopreview.meetings.models import UserPreference


def test_hague_times_follow_daylight_saving_time():
    winter = local_datetime(datetime(2027, 3, 27, 10, 0), "Europe/Amsterdam")
    summer = local_datetime(datetime(2027, 3, 28, 10, 0), "Europe/Amsterdam")

    assert winter.astimezone(UTC).hour == 9  # CET, UTC+1
    assert summer.astimezone(UTC).hour == 8  # CEST, UTC+2


@pytest.mark.parametrize("wall_clock", [datetime(2027, 3, 28, 2, 30), datetime(2027, 10, 31, 2, 30)])
def test_skipped_and_repeated_hours_are_refused(wall_clock):
    with pytest.raises(forms.ValidationError) as exc:
        local_datetime(wall_clock, "Europe/Amsterdam")

    assert "Europe/Amsterdam" in str(exc.value) and "02:30" in str(exc.value)


def test_meeting_form_reads_wall_clock_times_in_the_chosen_zone(db):
    form = MeetingForm(
        {
            "title": "T",
            "type": "bureau",
            "start": "2027-07-01T10:00",
            "end": "2027-07-01T12:00",
            "time_zone": "America/New_York",
        }
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["start"].astimezone(UTC) == datetime(2027, 7, 1, 14, 0, tzinfo=UTC)


def test_meeting_form_refuses_an_unknown_zone_and_an_end_before_the_start(db):
    form = MeetingForm(
        {
            "title": "T",
            "type": "bureau",
            "start": "2027-07-01T10:00",
            "end": "2027-07-01T09:00",
            "time_zone": "Mars/Olympus",
        }
    )

    assert not form.is_valid()
    assert "Mars/Olympus" in form.errors["time_zone"][0]
    form.data = {**form.data, "time_zone": "Europe/Amsterdam"}
    form.full_clean()
    assert form.errors["end"] == ["The end must be after the start."]


def test_meeting_is_shown_in_each_users_time_zone(editor, make_meeting, state_focal_point):
    meeting = make_meeting(
        start=local_datetime(datetime(2027, 1, 14, 14, 0), "Europe/Amsterdam"),
        end=local_datetime(datetime(2027, 1, 14, 16, 0), "Europe/Amsterdam"),
    )
    services.preference_set_time_zone(user=editor, time_zone="America/New_York")

    new_york = client_for(editor).get(f"/meetings/{meeting.pk}/").content.decode()
    services.preference_set_time_zone(user=editor, time_zone="Europe/Amsterdam")
    hague = client_for(editor).get(f"/meetings/{meeting.pk}/").content.decode()

    assert "Jan. 14, 2027, 8 a.m." in new_york.split("Local time")[0] and "America/New_York" in new_york
    assert "Local time" in new_york and "2 p.m." in new_york.split("Local time")[1][:80]
    assert "2 p.m." in hague.split("<dt>When</dt>")[1][:200] and "Local time" not in hague


def test_time_zone_preference_is_validated_and_kept_with_history(editor):
    client = client_for(editor)

    bad = client.post("/meetings/calendar/", {"action": "time_zone", "time_zone": "Nowhere/City"})
    good = client.post("/meetings/calendar/", {"action": "time_zone", "time_zone": "Africa/Dakar"})

    assert bad.status_code == 422 and "Nowhere/City" in bad.content.decode()
    assert good.status_code == 302
    pref = UserPreference.objects.get(user=editor)
    assert pref.time_zone == "Africa/Dakar" and pref.history.count() == 1


def test_middleware_activates_the_users_zone_for_the_request(editor, rf):
    from django.http import HttpResponse
    from django.utils import timezone

    from coopreview.meetings.timezones import UserTimeZoneMiddleware

    services.preference_set_time_zone(user=editor, time_zone="Asia/Tokyo")
    request = rf.get("/")
    request.user = editor
    middleware = UserTimeZoneMiddleware(lambda r: HttpResponse(timezone.get_current_timezone_name()))

    response = middleware(request)

    assert response.content == b"Asia/Tokyo"
    assert timezone.get_current_timezone_name() != "Asia/Tokyo"  # only for that request
