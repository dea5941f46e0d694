"""The bulk path of rebuilds must write exactly what the per-object path writes."""

import pytest

from coopreview.recommendations.models import Recommendation, Theme
from coopreview.search.indexers import recommendation_rows, recommendation_rows_in_bulk


@pytest.fixture
def varied(leak_data, orgs):
    public, restricted = leak_data["public"], leak_data["restricted"]
    themes = [Theme.objects.create(slug=s, name=n) for s, n in (("b", "Beta"), ("a", "Alpha"))]
    public.themes.set(themes)
    public.text_fr = "Recommandation publique sur les accords de coopération."
    public.save()
    public.addressees.add(orgs["SEN"], orgs["FRA"])
    restricted.restricted_to.add(orgs["REGISTRY"])
    return leak_data


@pytest.fixture
def search_engine() -> str:
    return "any"  # rows do not depend on the engine: no need to run twice


@pytest.mark.parametrize("chunk_size", [1, 2, 5000])
def test_bulk_rows_equal_per_object_rows(varied, chunk_size):
    expected = {r.pk: recommendation_rows(r) for r in Recommendation.objects.all()}

    got = dict(recommendation_rows_in_bulk(chunk_size=chunk_size))

    assert got == expected
    assert any(len(rows) == 2 for rows in got.values())  # the French row is there
    assert any(rows[0].restricted_to for rows in got.values())
    assert any(len(rows[0].topics) == 2 and len(rows[0].states) == 2 for rows in got.values())
