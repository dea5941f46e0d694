"""The list's default order is read off a copy of the source's date on each recommendation
(Recommendation.source_date): the copy must follow every way a recommendation or a source changes."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from coopreview.recommendations import services
from coopreview.recommendations.enums import SortOrder, Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation, Source, Theme
from coopreview.recommendations.selectors import (
    RecommendationFilters,
    recommendation_count_set,
    recommendation_list,
)

EARLY, LATE = datetime.date(2019, 12, 6), datetime.date(2023, 12, 4)


def _source(symbol: str, date: datetime.date | None) -> Source:
    return Source.objects.create(symbol=symbol, title=f"Report {symbol}", date=date)


def _stored_date(rec: Recommendation) -> datetime.date | None:
    return Recommendation.objects.values_list("source_date", flat=True).get(pk=rec.pk)


def test_new_recommendation_copies_its_source_date(db):
    source = _source("A/1", EARLY)

    rec = services.recommendation_create(by=None, source=source, reference="1", text="t")

    assert _stored_date(rec) == EARLY


def test_moving_a_recommendation_to_another_source_takes_that_date(editor):
    early, late = _source("A/1", EARLY), _source("A/2", LATE)
    rec = services.recommendation_create(by=editor, source=early, reference="1", text="t")

    services.recommendation_update(recommendation=rec, by=editor, source=late)
    assert _stored_date(rec) == LATE
    rec.source = early
    rec.save(update_fields=["source"])

    assert _stored_date(rec) == EARLY


def test_editing_a_source_date_moves_its_recommendations_without_history_noise(editor):
    source = _source("A/1", EARLY)
    rec = services.recommendation_create(by=editor, source=source, reference="1", text="t")
    versions = rec.history.count()

    source.date = LATE
    source.save()
    assert _stored_date(rec) == LATE
    source.date = None
    source.save()

    assert _stored_date(rec) is None
    assert rec.history.count() == versions


def test_default_order_is_source_date_then_source_then_natural_reference(editor):
    late, early = _source("B/2", LATE), _source("B/1", EARLY)
    for source in (late, early):
        for ref in ("10", "9", "R2"):
            Recommendation.objects.create(source=source, reference=ref, text=f"{source.symbol} {ref}")

    ordered = recommendation_list(user=editor, filters=RecommendationFilters())
    newest_first = recommendation_list(
        user=editor, filters=RecommendationFilters(sort=SortOrder.REFERENCE_DESC)
    )

    expected = [(s, r) for s in ("B/1", "B/2") for r in ("9", "10", "R2")]
    assert [(r.source.symbol, r.reference) for r in ordered] == expected
    assert [(r.source.symbol, r.reference) for r in newest_first] == expected[::-1]


def test_order_follows_a_source_date_edited_after_the_fact(editor):
    first, second = _source("C/1", EARLY), _source("C/2", LATE)
    Recommendation.objects.create(source=first, reference="1", text="first")
    Recommendation.objects.create(source=second, reference="1", text="second")

    first.date = datetime.date(2025, 1, 1)
    first.save()

    ordered = recommendation_list(user=editor, filters=RecommendationFilters())
    assert [r.source.symbol for r in ordered] == ["C/2", "C/1"]


def test_imported_recommendations_carry_their_source_date(orgs, editor):
    from coopreview.importers import services as import_services
    from coopreview.importers.conftest import SEED

    _source("ICC-ASP/19/16", EARLY)
    used, result = import_services.parse_file(SEED, file=SEED.name)
    plan = import_services.build_plan(result=result, file=SEED.name, format=used, source="ICC-ASP/19/16")

    import_services.plan_apply(plan=plan, by=editor)

    imported = Recommendation.objects.filter(source__symbol="ICC-ASP/19/16")
    assert imported.count() == 17
    assert set(imported.values_list("source_date", flat=True)) == {EARLY}


@pytest.mark.parametrize("persona", [None, "outsider", "state_focal_point", "court_focal_point", "editor"])
def test_count_set_holds_the_same_rows_as_the_list(request, leak_data, orgs, source, persona):
    user = request.getfixturevalue(persona) if persona else AnonymousUser()
    theme = Theme.objects.create(slug="coop", name="Cooperation")
    flag = PriorityFlag.objects.create(name="Urgent", colour="#F4B183")
    for rec in leak_data.values():
        rec.themes.set([theme])
        rec.priority_flags.set([flag])
    hidden = Recommendation.objects.create(
        source=source, reference="9", text="restricted to the Registry", visibility=Visibility.RESTRICTED
    )
    hidden.restricted_to.set([orgs["REGISTRY"]])
    hidden.themes.set([theme])
    cases = [
        RecommendationFilters(),
        RecommendationFilters(theme=theme, addressee="court"),
        RecommendationFilters(flag=flag, theme=theme),
        RecommendationFilters(organ=orgs["ICC"], q="recommendation"),
        RecommendationFilters(addressee="state"),
    ]

    for filters in cases:
        listed = {r.pk for r in recommendation_list(user=user, filters=filters)}
        count_set = recommendation_count_set(user=user, filters=filters)
        assert set(count_set.values_list("pk", flat=True)) == listed, filters
        assert count_set.count() == len(listed), filters
