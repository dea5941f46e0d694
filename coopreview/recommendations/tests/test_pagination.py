"""The list's count stops at a cap so large result sets stay fast; below the cap it is exact."""

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.recommendations import pagination
from coopreview.recommendations.models import Recommendation

LIST = "/recommendations/"


def _many(source, n: int) -> None:
    for i in range(n):
        Recommendation.objects.create(source=source, reference=f"9{i}", text=f"Capped cooperation item {i}.")


def test_count_beyond_the_cap_is_shown_as_more_than(monkeypatch, source, editor):
    _many(source, 4)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)

    response = client_for(editor).get(LIST, {"q": "capped"})

    body = response.content.decode()
    assert "More than 3 recommendations" in body
    assert "4 recommendations" not in body
    assert_valid_html(response.content)


def test_count_at_or_below_the_cap_is_exact_and_pages_are_numbered(monkeypatch, source, editor):
    _many(source, 3)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)

    response = client_for(editor).get(LIST, {"q": "capped"})

    body = response.content.decode()
    assert "3 recommendations" in body and "More than" not in body


def test_capped_paginator_counts_at_most_cap_plus_one(monkeypatch, source):
    _many(source, 5)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)

    paginator = pagination.RecommendationPaginator(Recommendation.objects.order_by("reference"), 1)

    assert paginator.count == 3 and paginator.capped
    assert [r.reference for r in paginator.page(1)] == ["90"]
