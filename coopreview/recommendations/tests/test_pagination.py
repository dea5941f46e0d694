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


def test_count_near_a_page_looks_ahead_then_moves_on_with_the_reader(monkeypatch, source):
    _many(source, 12)
    monkeypatch.setattr(pagination, "COUNT_AHEAD", 4)
    qs = Recommendation.objects.order_by("reference_sort")

    first = pagination.RecommendationPaginator(qs, 2, near_page=1)
    at_the_bound = pagination.RecommendationPaginator(qs, 2, near_page="2")
    past_it = pagination.RecommendationPaginator(qs, 2, near_page=3)
    not_a_number = pagination.RecommendationPaginator(qs, 2, near_page="x")

    assert (first.cap, first.count, first.capped) == (4, 5, True)
    assert (at_the_bound.cap, at_the_bound.page(2).has_next()) == (4, True)
    assert (past_it.cap, past_it.count) == (8, 9)
    assert [r.reference for r in past_it.page(3)] == ["94", "95"]
    assert not_a_number.cap == 4


def test_count_near_a_page_never_passes_the_cap_and_is_exact_below_it(monkeypatch, source):
    _many(source, 5)
    monkeypatch.setattr(pagination, "COUNT_AHEAD", 4)
    monkeypatch.setattr(pagination, "COUNT_CAP", 6)
    qs = Recommendation.objects.order_by("reference_sort")

    deep = pagination.RecommendationPaginator(qs, 2, near_page=99)
    small = pagination.RecommendationPaginator(qs.filter(reference__in=["90", "91"]), 2, near_page=1)

    assert deep.cap == 6 and deep.count == 5 and not deep.capped
    assert small.count == 2 and not small.capped


def test_list_counts_ahead_of_the_page_asked_for(monkeypatch, source, editor):
    _many(source, 56)
    monkeypatch.setattr(pagination, "COUNT_AHEAD", 10)
    client = client_for(editor)

    first = client.get(LIST, {"q": "capped"}).content.decode()
    second = client.get(LIST, {"q": "capped", "page": "2"}).content.decode()

    assert "More than 50 recommendations" in first and 'rel="next"' in first
    assert "56 recommendations" in second and "Page 2 of 2" in second
