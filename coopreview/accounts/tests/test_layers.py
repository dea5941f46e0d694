"""The access-layer rule in its three forms (query condition, one-record test, search tokens) must agree."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coopreview.accounts.layers import layers_q, may_open, reach_of
from coopreview.recommendations.models import Recommendation
from coopreview.search.indexers import recommendation_rows
from coopreview.search.selectors import access_tokens

PERSONAS = ["anonymous", "outsider", "observer", "state_focal_point", "court_focal_point", "editor"]


def _user(request, persona):
    return AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_query_condition_and_one_record_test_admit_the_same_records(request, leak_data, persona):
    user = _user(request, persona)
    condition = layers_q(user=user, model=Recommendation)
    by_query = set(
        (Recommendation.objects.filter(condition) if condition else Recommendation.objects.all()).values_list(
            "pk", flat=True
        )
    )
    by_record = {
        r.pk
        for r in Recommendation.objects.prefetch_related("restricted_to")
        if may_open(user, visibility=r.visibility, restricted_to={o.pk for o in r.restricted_to.all()})
    }

    assert by_query == by_record
    assert leak_data["public"].pk in by_query


@pytest.mark.parametrize("persona", PERSONAS)
def test_search_tokens_admit_the_same_records(request, leak_data, persona):
    user = _user(request, persona)
    tokens = access_tokens(user)
    condition = layers_q(user=user, model=Recommendation)
    by_query = set(
        (Recommendation.objects.filter(condition) if condition else Recommendation.objects.all()).values_list(
            "pk", flat=True
        )
    )

    def carried(r: Recommendation) -> set[str]:  # the tokens the indexer stores with the record
        return {t for row in recommendation_rows(r) for t in row.tokens("rec").split()}

    by_tokens = {r.pk for r in Recommendation.objects.all() if tokens is None or carried(r) & set(tokens)}
    assert by_tokens == by_query


def test_only_the_prosecutor_reaches_the_record_restricted_to_the_office(
    leak_data, court_focal_point, observer
):
    assert leak_data["restricted"].restricted_to.get().pk in reach_of(court_focal_point).organisations
    assert not reach_of(observer).organisations & {o.pk for o in leak_data["restricted"].restricted_to.all()}
