"""Every write of a recommendation reaches the registered refreshers of derived figures (core.derived),
in its transaction: service saves (once per write), flag and access changes, imports (a bulk write that
sends no signal) and deletion (before the rows go)."""

import pytest

from coopreview.core import derived
from coopreview.recommendations import services
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    seen: list[tuple[str, list[int], bool]] = []

    def changed(ids):
        seen.append(("changed", ids, Recommendation.objects.filter(pk__in=ids).exists()))

    def deleting(ids):
        seen.append(("deleting", ids, Recommendation.objects.filter(pk__in=ids).exists()))

    derived.register(name="test", changed=changed, deleting=deleting)
    yield seen
    derived._refreshers.pop("test")


def test_service_writes_call_the_refreshers_once_each(calls, orgs, source, editor):
    rec = services.recommendation_create(
        by=editor, source=source, reference="1", text="Cooperate.", addressees=[orgs["ICC"]],
        visibility=Visibility.RESTRICTED, restricted_to=[orgs["OTP"]],
    )  # fmt: skip
    assert calls == [("changed", [rec.pk], True)]
    calls.clear()
    services.recommendation_update(
        recommendation=rec, by=editor, visibility=Visibility.PUBLIC, restricted_to=[]
    )
    assert calls == [("changed", [rec.pk], True)]
    calls.clear()
    flag = PriorityFlag.objects.create(name="Priority", colour="#F4B183", owner=orgs["RM"])
    editor.is_superuser = True
    services.recommendation_set_flag(recommendation=rec, flag=flag, on=True, by=editor)
    assert calls == [("changed", [rec.pk], True)]
    calls.clear()
    Recommendation.objects.filter(pk=rec.pk).delete()
    assert calls == [("deleting", [rec.pk], True)]  # called while the row still exists


def test_reverse_link_writes_reach_the_refreshers(calls, orgs, source, editor):
    rec = services.recommendation_create(by=editor, source=source, reference="2", text="Cooperate.")
    calls.clear()
    orgs["OTP"].restricted_recommendations.add(rec)
    assert calls == [("changed", [rec.pk], True)]


def test_an_import_reaches_the_refreshers_in_its_transaction(calls, orgs, editor):
    from coopreview.importers import services as import_services
    from coopreview.importers.tests.test_services import SEED, _plan

    import_services.plan_apply(plan=_plan(SEED, source="ICC-ASP/19/16"), by=editor)
    ids = sorted(Recommendation.objects.values_list("pk", flat=True))
    assert len(ids) == 17
    assert calls == [("changed", ids, True)]


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_any_transaction_refreshes_in_one(source):
    """Recommendation.objects.create in a shell runs in autocommit: the refreshers still get a
    transaction (on PostgreSQL the tallies' row locks failed without one)."""
    from django.db import connection

    seen: list[bool] = []

    def probe(ids):
        seen.append(connection.in_atomic_block)

    derived.register(name="probe", changed=probe, deleting=probe)
    try:
        rec = Recommendation.objects.create(source=source, reference="9", text="Saved outside.")
        rec.delete()
    finally:
        derived._refreshers.pop("probe")

    assert seen == [True, True]
