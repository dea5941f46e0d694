"""A user's chosen time zone applies to every page, not only the meetings' (the middleware)."""

import datetime as dt

from coopreview.core.testing import client_for
from coopreview.meetings.models import UserPreference


def test_history_times_on_a_recommendation_follow_the_users_time_zone(editor, leak_data):
    rec = leak_data["public"]
    # The record's history says it was created at 12:00 UTC: 13:00 in The Hague (the default) in winter.
    rec.history.update(history_date=dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC))
    client = client_for(editor)

    in_the_hague = client.get(f"/recommendations/{rec.pk}/").content.decode()
    UserPreference.objects.create(user=editor, time_zone="America/New_York")
    in_new_york = client_for(editor).get(f"/recommendations/{rec.pk}/").content.decode()

    assert 'datetime="2026-01-15T13:00:00+01:00"' in in_the_hague
    assert 'datetime="2026-01-15T07:00:00-05:00"' in in_new_york
