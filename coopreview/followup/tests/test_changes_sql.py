"""The changes paged in the database (followup.changes) equal, row for row and in count, the per-row
Python computation they replaced (tests/reference_changes.py), for every persona, over periods before
and after parts moved, a part was deleted, rows were saved without any tracked change, a part became
confidential to another organ and recommendations changed layer; and the page costs the same number of
queries at page 1, page 2 and past the last page, at 10 and at 60 records."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopreview.core.testing import client_for
from coopreview.followup import selectors, services
from coopreview.followup.enums import Status
from coopreview.followup.models import Action, Categorisation, FollowupPart, ProgressUpdate, StakeholderView
from coopreview.followup.tests.corpus import build
from coopreview.followup.tests.reference_changes import changes_between_python
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation

PERSONAS = [
    None,
    "outsider",
    "observer",
    "court_focal_point",
    "registry_focal_point",
    "facilitator",
    "editor",
    "admin_user",
]
HISTORIES = (Categorisation, StakeholderView, FollowupPart, Action, ProgressUpdate, Recommendation)


def _date_back(since: datetime.datetime, to: datetime.datetime) -> None:
    """Move the history rows written since `since` to `to`: many changes at one instant, as bulk work
    leaves them (their order is then the tie-break's)."""
    for model in HISTORIES:
        model.history.model.objects.filter(history_date__gte=since).update(history_date=to)


@pytest.fixture
def story(orgs, editor, court_focal_point, facilitator):
    now = timezone.now()
    build(n=8, orgs=orgs, editor=editor, court=court_focal_point)
    _date_back(now - datetime.timedelta(days=1), now - datetime.timedelta(days=100))

    mark = timezone.now()
    parts = list(FollowupPart.objects.filter(addressee=orgs["OTP"]).order_by("pk"))
    for i, part in enumerate(parts[:6]):
        part.status = [Status.IMPLEMENTED, Status.NOT_PURSUED][i % 2]
        part.save()
    parts[0].save()  # a history row where no tracked field differs: never listed
    FollowupPart.objects.filter(addressee=orgs["ASP"]).order_by("pk").first().delete()
    recs = list(Recommendation.objects.order_by("pk"))
    public = next(r for r in recs if r.visibility == Visibility.PUBLIC and hasattr(r, "categorisation"))
    restricted = next(r for r in recs if r.visibility == Visibility.RESTRICTED)
    public.visibility = Visibility.RESTRICTED  # public 100 days ago, restricted to the OTP since
    public.save()
    public.restricted_to.set([orgs["OTP"]])
    restricted.visibility = Visibility.PUBLIC  # restricted then: its past stays closed to the public
    restricted.save()
    action = Action.objects.order_by("pk").first()
    services.action_update(action=action, by=court_focal_point, progress=40, title="Action renamed")
    update = ProgressUpdate.objects.order_by("pk").first()
    update.text = "Started, and more."
    update.save()
    services.stakeholder_view_record(
        recommendation=recs[0], organisation=orgs["FAC-COOP"], by=facilitator, position="Agree."
    )
    _date_back(mark, now - datetime.timedelta(days=50))

    # today: the public recommendation's part moves again, under its restricted layer; a part becomes
    # confidential to the Registry (the OTP's members no longer see any of its history)
    for part in FollowupPart.objects.filter(recommendation=public):
        part.narrative = "Moved while restricted."
        part.save()
    secret = parts[2]
    secret.refresh_from_db()
    secret.confidential = True
    secret.lead = orgs["REGISTRY"]
    secret.narrative = "Registry only."
    secret.save()
    view = StakeholderView.objects.get(recommendation=recs[0], organisation=orgs["FAC-COOP"])
    view.position = "Agree, with a caveat."
    view.save()
    # a change whose earlier rows are gone (pruned history): compared with nothing, as on creation
    StakeholderView.history.model.objects.filter(id=view.pk, history_type="+").delete()
    return now


def _user(request, persona):
    return request.getfixturevalue(persona) if persona else AnonymousUser()


@pytest.mark.parametrize("persona", PERSONAS)
def test_changes_paged_in_the_database_equal_the_per_row_ones(request, story, persona, orgs):
    user = _user(request, persona)
    today = timezone.localdate(story)  # the day as the list reads it (TIME_ZONE), not UTC's
    some = Recommendation.objects.order_by("pk")[:9]
    days = datetime.timedelta(days=1)
    periods = [(today - 120 * days, today), (today - 60 * days, today), (today, today),
               (today - 51 * days, today - 49 * days)]  # fmt: skip

    for start, end in periods:
        for recommendations in (None, some.values("pk")):
            period = {"user": user, "start": start, "end": end, "recommendations": recommendations}
            expected = changes_between_python(**period)
            found = selectors.changes_between(**period)

            assert len(found) == len(expected)
            assert list(found) == expected
            assert found[3:11] == expected[3:11]
            # pages beyond a cap lower than the period's changes, and pages counted exactly
            for cap, numbers in ((2, ("1", "2", "5", "99", "0")), (1000, ("2", "99", "0", "x"))):
                for number in numbers:
                    _assert_page(selectors.changes_between(**period), expected, number, cap)


def _assert_page(found, expected: list, number: str, cap: int, size: int = 3) -> None:
    """Page `number` of `size` read with `cap` is the reference's slice as Paginator.get_page picks it
    (not a number: the first; past the end: the last; below 1: the last if counted, else the first),
    with the total when it is at most `cap`, and a next page exactly when a change follows."""
    page = found.page(number, size, counted_up_to=cap)
    last = max(0, (len(expected) - 1) // size * size)
    wanted = (int(number) - 1) * size if number.isdigit() else 0
    if wanted < 0:
        start = last if len(expected) < max(cap + 1, size) else 0
    else:
        start = wanted if wanted < len(expected) else last

    assert page.object_list == expected[start : start + size], (number, cap)
    assert page.number == start // size + 1
    assert page.total == (len(expected) if len(expected) <= cap else None)
    assert page.has_next == (start + size < len(expected))


def test_the_story_covers_what_the_rules_drop_and_keep(
    story, editor, court_focal_point, registry_focal_point
):
    today = timezone.localdate(story)  # the day as the list reads it (TIME_ZONE), not UTC's
    start = today - datetime.timedelta(days=60)

    listed = list(selectors.changes_between(user=editor, start=start, end=today))
    rows = FollowupPart.history.model.objects.filter(history_date__date__gte=start, history_type="~")
    listed_parts = [c for c in listed if c.what == "follow-up part" and c.kind == "changed"]
    by_court = list(selectors.changes_between(user=court_focal_point, start=today, end=today))
    by_registry = list(selectors.changes_between(user=registry_focal_point, start=today, end=today))
    public = AnonymousUser()

    assert len(listed_parts) < rows.count()  # the rows saved without a tracked change are dropped
    assert any(c.kind == "deleted" for c in listed)
    assert any(c.what == "stakeholder view" and c.kind == "changed" for c in listed)
    assert not any("Registry only." in str(c.changes) for c in by_court)
    assert any("Registry only." in str(c.changes) for c in by_registry)
    assert not any("Moved while restricted." in str(c.changes) for c in by_registry)
    assert any("Moved while restricted." in str(c.changes) for c in by_court)
    assert len(selectors.changes_between(user=public, start=start, end=today)) < len(listed)


def _queries(client, url: str) -> int:
    client.get(url)  # warm: sessions, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", [None, "court_focal_point", "editor"])
def test_changes_page_costs_the_same_queries_at_any_page_and_size(
    request, orgs, editor, court_focal_point, persona, monkeypatch
):
    from django.apps import apps

    from coopreview.followup.views import overview

    monkeypatch.setattr(overview, "PAGE_SIZE", 10)  # a page 2 at 10 records too
    user = _user(request, persona)
    client = client_for(user if persona else None)
    today = timezone.localdate()
    build(n=10, orgs=orgs, editor=editor, court=court_focal_point)
    pages = ["/followup/changes/", "/followup/changes/?page=2", "/followup/changes/?page=99"]
    small = [_queries(client, url) for url in pages]
    small_total = len(selectors.changes_between(user=user, start=today, end=today))
    for model in ("recommendations.Recommendation", "recommendations.Source"):
        apps.get_model(model).objects.all().delete()
    build(n=60, orgs=orgs, editor=editor, court=court_focal_point)
    large = [_queries(client, url) for url in pages]
    last = client.get("/followup/changes/?page=99").content.decode()
    large_total = len(selectors.changes_between(user=user, start=today, end=today))

    assert 2 * 10 < small_total < large_total  # page 2 is a full page of its own, at both sizes
    assert small == large == [small[0]] * 3  # an out-of-range page shows the last one, in as many
    assert f"Page {-(-large_total // 10)} of {-(-large_total // 10)}" in " ".join(last.split())
