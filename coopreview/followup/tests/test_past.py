"""Status counts at a past moment computed in the database (followup.past) equal the per-record Python
computation (selectors.status_counts_as_of, which reads the history through PastLayers), and so do those
read from the stored spans (past.status_counts_from_spans, the dashboard's), for every
persona, at moments before and after parts moved, a part was deleted and recommendations changed layer."""

import datetime

import pytest
from django.utils import timezone

from coopreview.followup import past, selectors
from coopreview.followup.enums import Status
from coopreview.followup.models import FollowupPart
from coopreview.followup.overall import overall_rebuild
from coopreview.followup.tests.corpus import build
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation

PERSONAS = [None, "outsider", "observer", "court_focal_point", "registry_focal_point", "editor", "admin_user"]


def _date_back(since: datetime.datetime, to: datetime.datetime) -> None:
    """Move the history rows written since `since` to `to` (the history of a corpus built now)."""
    for model in (FollowupPart, Recommendation):
        model.history.model.objects.filter(history_date__gte=since).update(history_date=to)


@pytest.fixture
def moved(orgs, editor, court_focal_point):
    now = timezone.now()
    start = now - datetime.timedelta(days=1)
    build(n=8, orgs=orgs, editor=editor, court=court_focal_point)
    _date_back(start, now - datetime.timedelta(days=100))
    mark = timezone.now()
    parts = list(FollowupPart.objects.order_by("pk"))
    for i, part in enumerate(parts[:12]):
        part.status = [Status.IN_PROGRESS, Status.NOT_PURSUED, Status.IMPLEMENTED][i % 3]
        part.save()
    parts[13].delete()
    recs = list(Recommendation.objects.order_by("pk"))
    public = next(r for r in recs if r.visibility == Visibility.PUBLIC)
    restricted = next(r for r in recs if r.visibility == Visibility.RESTRICTED)
    public.visibility = Visibility.RESTRICTED  # public 100 days ago, restricted to the OTP since
    public.save()
    public.restricted_to.set([orgs["OTP"]])
    restricted.visibility = Visibility.PUBLIC  # restricted then: its past stays closed to the public
    restricted.save()
    _date_back(mark, now - datetime.timedelta(days=50))
    FollowupPart.objects.filter(pk=parts[14].pk).update(confidential=True, lead=orgs["REGISTRY"])
    overall_rebuild()  # the stored spans, from the history as edited above around the services
    return now


@pytest.mark.parametrize("persona", PERSONAS)
def test_counts_at_a_moment_equal_the_per_record_ones(request, moved, persona):
    from django.contrib.auth.models import AnonymousUser

    user = request.getfixturevalue(persona) if persona else AnonymousUser()
    some = Recommendation.objects.order_by("pk")[:9]
    for days in (120, 75, 25, 0):
        when = (moved - datetime.timedelta(days=days)).date()
        for recommendations in (None, some.values("pk")):
            expected = selectors.status_counts_as_of(user=user, when=when, recommendations=recommendations)
            assert past.status_counts_at(user=user, when=when, recommendations=recommendations) == expected
            stored = past.status_counts_from_spans(user=user, when=when, recommendations=recommendations)
            assert stored == expected
    # the scenario moves the figures: not all zero, and different before and after the changes
    before = past.status_counts_at(user=user, when=(moved - datetime.timedelta(days=75)).date())
    after = past.status_counts_at(user=user, when=moved.date())
    assert sum(before.values()) > 0 and before != after


@pytest.mark.parametrize("persona", PERSONAS)
def test_snapshots_at_a_moment_equal_the_per_record_ones(request, moved, persona):
    from django.contrib.auth.models import AnonymousUser

    user = request.getfixturevalue(persona) if persona else AnonymousUser()
    for days in (120, 75, 25, 0):
        when = (moved - datetime.timedelta(days=days)).date()
        expected = selectors.parts_as_of(user=user, when=when)
        assert past.snapshots_at(user=user, when=when) == expected
    assert past.snapshots_at(user=user, when=moved.date())
