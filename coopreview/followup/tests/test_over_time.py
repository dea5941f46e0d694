"""The dashboard's "over time" counts from the stored deltas (followup.over_time) equal the reference
(past.status_counts_from_spans) for every persona, at every span's start and just before it, at the ends
of days and months in time zones far from UTC, after a history written through the services over eight
months (the clock moved, so the spans and versions lie in the past as on a real platform): parts moving,
a confidential part, a recommendation public → restricted to the OTP → public, restricted organisations
changed, new recommendations, an import, a deletion. The deltas the writes kept equal the rebuilt ones."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coopreview.core.testing import client_for
from coopreview.followup import over_time, past, selectors, services
from coopreview.followup.enums import Assessment, Category, Status
from coopreview.followup.models import FollowupPart, OverallSpan, OverTimeDelta, OverTimeEntry
from coopreview.followup.overall import overall_rebuild
from coopreview.followup.tests.corpus import PERSONAS
from coopreview.followup.views.overview import _month_ends
from coopreview.recommendations import services as rec_services
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation

# Amsterdam (the default): a day ends at 22:59 UTC, so its moments subtract the spans of the hour after them
ZONES = ["UTC", "Pacific/Auckland", "America/Los_Angeles", "Europe/Amsterdam"]


class Clock:
    """timezone.now() as the services and the history see it, moved by the test."""

    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    real = timezone.now()
    # 23:30 UTC: the next day in Auckland, the same afternoon in Los Angeles
    start = (real - datetime.timedelta(days=245)).replace(hour=23, minute=30, second=0, microsecond=0)
    moved = Clock(start)
    monkeypatch.setattr(timezone, "now", lambda: moved.now)
    return moved


def _create(editor, source, orgs, ref: str, visibility=Visibility.PUBLIC, restricted=()) -> Recommendation:
    return rec_services.recommendation_create(
        by=editor, source=source, reference=ref, text=f"Recommendation {ref} on cooperation.",
        addressees=[orgs["ASP"], orgs["ICC"]] if ref.startswith("b") else [orgs["OTP"]],
        visibility=visibility, restricted_to=[orgs[c] for c in restricted],
    )  # fmt: skip


def _categorise(rec, category, editor, approve_on) -> None:
    cat = services.categorisation_propose(recommendation=rec, category=category, by=editor)
    services.categorisation_approve(
        categorisation=cat, by=editor, approved_by="Bureau", approved_on=approve_on
    )


def _part(rec, side=None) -> FollowupPart:
    parts = FollowupPart.objects.filter(recommendation=rec)
    return parts.get(side=side) if side else parts.order_by("pk").first()


def _move(part, by, *statuses) -> None:
    if not part.assessment:
        part = services.part_update(part=part, by=by, assessment=Assessment.POSITIVE)
    for status in statuses:
        part = services.part_transition(part=part, by=by, status=status)


@pytest.fixture
def history(clock, orgs, source, editor, court_focal_point, registry_focal_point) -> dict:
    """Eight months of writes through the services, at varied times of day."""
    recs = {
        "both": _create(editor, source, orgs, "b274"),
        "otp": _create(editor, source, orgs, "272"),
        "members": _create(editor, source, orgs, "273", Visibility.MEMBERS),
        "hidden": _create(editor, source, orgs, "999", Visibility.RESTRICTED, ["OTP"]),
        "senegal": _create(editor, source, orgs, "998", Visibility.RESTRICTED, ["SEN"]),
        "moving": _create(editor, source, orgs, "275"),
        "renamed": _create(editor, source, orgs, "276", Visibility.RESTRICTED, ["OTP"]),
    }
    clock.advance(days=3, hours=2)  # 01:30 UTC
    for key in ("both", "otp", "members", "hidden", "senegal", "moving", "renamed"):
        _categorise(recs[key], Category.BOTH if key == "both" else Category.COURT, editor, clock.now.date())
        clock.advance(minutes=17)
    clock.advance(days=27, hours=21)
    court = _part(recs["both"], "court")
    court = services.part_update(part=court, by=court_focal_point, lead=orgs["OTP"],
                                 assessment=Assessment.POSITIVE, reason="t")  # fmt: skip
    assembly = _part(recs["both"], "assembly")
    services.part_update(part=assembly, by=editor, assessment=Assessment.POSITIVE)
    clock.advance(days=20, hours=5)
    services.part_transition(part=assembly, by=editor, status=Status.ASSESSED)
    for key in ("members", "senegal", "moving", "renamed"):
        _move(_part(recs[key]), court_focal_point, Status.ASSESSED)
    clock.advance(days=12, hours=14)
    services.part_update(part=court, by=court_focal_point, confidential=True)
    otp = services.part_update(
        part=_part(recs["otp"]), by=court_focal_point, lead=orgs["OTP"], confidential=True
    )
    _move(otp, court_focal_point, Status.ASSESSED)
    _move(_part(recs["hidden"]), court_focal_point, Status.ASSESSED, Status.ACTION_PLANNED)
    clock.advance(days=25, hours=7)
    services.part_transition(part=assembly, by=editor, status=Status.IMPLEMENTED)
    restricted = {"visibility": Visibility.RESTRICTED, "restricted_to": [orgs["OTP"]]}
    rec_services.recommendation_update(recommendation=recs["moving"], by=editor, **restricted)
    clock.advance(days=33, hours=3)
    _move(_part(recs["moving"]), court_focal_point, Status.NOT_PURSUED)
    rec_services.recommendation_update(recommendation=recs["renamed"], by=editor,
                                       restricted_to=[orgs["OTP"], orgs["SEN"]])  # fmt: skip
    clock.advance(days=30, hours=11)
    rec_services.recommendation_update(recommendation=recs["moving"], by=editor,
                                       visibility=Visibility.PUBLIC, restricted_to=[])  # fmt: skip
    recs["late"] = _create(editor, source, orgs, "b277")
    _categorise(recs["late"], Category.BOTH, editor, clock.now.date())
    _move(_part(recs["members"]), court_focal_point, Status.IMPLEMENTED)
    clock.advance(days=28, hours=20)
    from coopreview.importers import services as import_services
    from coopreview.importers.tests.test_services import SEED, _plan

    import_services.plan_apply(plan=_plan(SEED, source="ICC-ASP/19/16"), by=editor)
    imported = Recommendation.objects.exclude(pk__in=[r.pk for r in recs.values()]).order_by("pk")
    assert len(imported) == 13  # the other four updated ours (272, 273, 275, 276: same source and reference)
    _categorise(imported[0], Category.ASSEMBLY, editor, clock.now.date())
    _categorise(imported[1], Category.ASSEMBLY, editor, clock.now.date())
    clock.advance(days=40, hours=1)
    _move(_part(imported[0]), editor, Status.ASSESSED)
    Recommendation.objects.filter(pk=imported[1].pk).delete()
    clock.advance(days=15, hours=8)
    _move(_part(recs["senegal"]), court_focal_point, Status.IMPLEMENTED)
    clock.advance(days=6)
    return recs


def _moments() -> list[datetime.datetime]:
    starts = set(OverallSpan.objects.values_list("start", flat=True))
    ends = set(OverallSpan.objects.exclude(end=None).values_list("end", flat=True))
    edges = starts | ends
    return sorted(edges | {m - datetime.timedelta(microseconds=1) for m in edges})


def _user(request, persona):
    return request.getfixturevalue(persona) if persona else AnonymousUser()


def _check(user, whens) -> None:
    for start in range(0, len(whens), 6):
        chunk = whens[start : start + 6]
        expected = [past.status_counts_from_spans(user=user, when=w) for w in chunk]
        assert over_time.status_counts(user=user, whens=chunk) == expected, chunk


def _days_around(moments, zone) -> list[datetime.date]:
    """The days (in `zone`) of these moments and the days either side: their ends are the edges."""
    days = {m.astimezone(zone).date() + datetime.timedelta(days=d) for m in moments for d in (-1, 0, 1)}
    return sorted(days)


@pytest.mark.parametrize("persona", PERSONAS)
def test_counts_from_deltas_equal_the_reference_at_every_edge(request, history, persona):
    user = _user(request, persona)
    moments = _moments()

    _check(user, moments)
    for name in ZONES:
        zone = zoneinfo.ZoneInfo(name)
        with timezone.override(zone):
            _check(user, _month_ends(timezone.localdate(), 10))
            _check(user, _days_around(moments, zone))


def test_the_scenario_moves_the_figures(history, editor, outsider, court_focal_point):
    """Not all zero, confidential and restricted records count only for those who may read them."""
    today = timezone.localdate()
    months = _month_ends(today, 9)
    by_editor = over_time.status_counts(user=editor, whens=months)
    by_outsider = over_time.status_counts(user=outsider, whens=months)
    by_otp = over_time.status_counts(user=court_focal_point, whens=months)

    assert len({tuple(c.values()) for c in by_editor}) >= 5  # the months differ
    # 999, restricted to the OTP, is the only one ever action-planned
    assert any(c[Status.ACTION_PLANNED] for c in by_editor) and any(c[Status.ACTION_PLANNED] for c in by_otp)
    assert not any(c[Status.ACTION_PLANNED] for c in by_outsider)
    assert sum(by_outsider[-1].values()) < sum(by_editor[-1].values())
    entries = dict(OverTimeEntry.objects.values_list("recommendation_id", "simple"))
    assert entries[history["both"].pk] is False  # a confidential part
    assert entries[history["otp"].pk] is False
    assert entries[history["moving"].pk] is False  # its layer changed
    assert entries[history["renamed"].pk] is False  # its restricted organisations changed
    assert entries[history["hidden"].pk] is True and entries[history["late"].pk] is True
    assert entries[history["senegal"].pk] is True


def _stored() -> tuple[list, list]:
    deltas = sorted(OverTimeDelta.objects.exclude(delta=0).values_list("layer", "day", "rank", "delta"))
    entries = sorted(
        OverTimeEntry.objects.values_list("recommendation_id", "layer", "uniform", "since", "simple")
    )
    return deltas, entries


def test_deltas_kept_by_the_writes_equal_the_rebuilt_ones(request, history):
    kept = _stored()

    overall_rebuild()

    assert _stored() == kept
    assert len(kept[0]) >= 10
    _check(AnonymousUser(), _moments())


def test_a_write_around_the_services_is_repaired_by_the_rebuild(request, history, editor):
    Recommendation.objects.filter(pk=history["hidden"].pk).update(visibility=Visibility.PUBLIC)
    overall_rebuild()

    assert OverTimeEntry.objects.get(recommendation=history["hidden"]).simple is False  # public now only
    for persona in ("outsider", "editor"):
        _check(_user(request, persona), _moments())


def test_a_constant_number_of_queries(history, outsider, orgs, source, editor):
    months = _month_ends(timezone.localdate(), 6)
    over_time.status_counts(user=outsider, whens=months)  # the reader's memberships, read once
    with CaptureQueriesContext(connection) as before:
        over_time.status_counts(user=outsider, whens=months)
    for i in range(5):
        rec = _create(editor, source, orgs, f"extra{i}")
        _categorise(rec, Category.COURT, editor, timezone.localdate())
    with CaptureQueriesContext(connection) as after:
        over_time.status_counts(user=outsider, whens=months)

    assert len(before) == len(after) == 8  # the deltas, the moments' own days, six for the others


def test_the_unfiltered_dashboard_reads_the_deltas(history, court_focal_point, monkeypatch):
    client = client_for(court_focal_point)
    calls = []
    counts = over_time.status_counts
    monkeypatch.setattr(over_time, "status_counts", lambda **kw: calls.append(kw) or counts(**kw))

    table = client.get(reverse("followup:dashboard")).context["over_time"]["table"]
    paged = client.get(reverse("followup:dashboard") + "?page=1").context["over_time"]["table"]
    filtered = client.get(reverse("followup:dashboard") + "?visibility=members").context["over_time"]["table"]

    assert len(calls) == 2  # unfiltered, also with a page number; not with a filter
    reference = [(m, past.status_counts_from_spans(user=court_focal_point, when=m)) for m, _c in table]
    assert table == paged == reference
    members = Recommendation.objects.filter(visibility=Visibility.MEMBERS).values("pk")
    assert filtered == [
        (m, past.status_counts_from_spans(user=court_focal_point, when=m, recommendations=members))
        for m, _c in table
    ]
    assert table != filtered


def test_a_reader_moment_at_the_end_of_a_day_in_any_zone(history, editor):
    """end_of_day in the reader's zone, compared in UTC (selectors.end_of_day)."""
    for name in ZONES:
        with timezone.override(zoneinfo.ZoneInfo(name)):
            day = timezone.localdate()
            assert over_time.status_counts(user=editor, whens=[day]) == [
                past.status_counts_from_spans(user=editor, when=selectors.end_of_day(day))
            ]
