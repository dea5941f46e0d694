import pytest

from coopreview.recommendations.enums import SortOrder
from coopreview.recommendations.models import PriorityFlag, Recommendation, Theme
from coopreview.recommendations.selectors import (
    RecommendationFilters,
    recommendation_list,
    recommendations_visible_to,
    sources_visible_to,
)


def refs(qs) -> set[str]:
    return {r.reference for r in qs}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, {"1"}),
        ("outsider", {"1"}),
        ("observer", {"1"}),
        ("state_focal_point", {"1", "2"}),
        ("registry_focal_point", {"1", "2"}),
        ("court_focal_point", {"1", "2", "3"}),  # OTP is named on the restricted one
        ("facilitator", {"1", "2"}),
        ("editor", {"1", "2", "3"}),
        ("admin_user", {"1", "2", "3"}),
    ],
)
def test_recommendations_visible_to_respects_access_layers(request, leak_data, persona, expected):
    from django.contrib.auth.models import AnonymousUser

    user = request.getfixturevalue(persona) if persona else AnonymousUser()

    visible = recommendations_visible_to(user=user)

    assert refs(visible) == expected
    assert visible.count() == len(expected)


def test_search_never_finds_what_the_user_may_not_see(leak_data, outsider):
    found = recommendation_list(user=outsider, filters=RecommendationFilters(q="zebracode"))

    assert list(found) == []


def test_search_finds_words_with_or_without_accents_and_stems(leak_data, editor):
    leak_data["public"].text = "Coopération judiciaire avec les États"
    leak_data["public"].save()

    assert refs(recommendation_list(user=editor, filters=RecommendationFilters(q="cooperation etats"))) == {
        "1"
    }
    # the engine of /search/: stems, not prefixes ("judiciaires" finds "judiciaire")
    assert refs(recommendation_list(user=editor, filters=RecommendationFilters(q="judiciaires"))) == {"1"}
    assert refs(recommendation_list(user=editor, filters=RecommendationFilters(q="quokkacode"))) == {"3"}


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(", "a OR", "*", "-", "col:value", "^x", "((("])
def test_search_tolerates_fts_syntax_characters(leak_data, editor, query):
    result = list(recommendation_list(user=editor, filters=RecommendationFilters(q=query)))

    assert isinstance(result, list)


def test_filters_combine(leak_data, orgs, editor, source):
    flag = PriorityFlag.objects.create(name="Facilitation priority", colour="#F4B183")
    theme = Theme.objects.create(slug="cooperation", name="Cooperation")
    both = Recommendation.objects.create(source=source, reference="274", text="Uniform cooperation framework")
    both.addressees.set([orgs["ICC"], orgs["ASP"]])
    both.priority_flags.set([flag])
    both.themes.set([theme])

    assert refs(recommendation_list(user=editor, filters=RecommendationFilters(addressee="both"))) == {"274"}
    assert refs(recommendation_list(user=editor, filters=RecommendationFilters(addressee="assembly"))) == {
        "274"
    }
    assert len(recommendation_list(user=editor, filters=RecommendationFilters(addressee="court"))) == 4
    assert refs(recommendation_list(user=editor, filters=RecommendationFilters(flag=flag, theme=theme))) == {
        "274"
    }
    assert refs(
        recommendation_list(
            user=editor, filters=RecommendationFilters(flag=flag, q="framework", addressee="court")
        )
    ) == {"274"}


def test_sorting_is_natural_on_references(orgs, editor, source):
    for ref in ["10", "9", "R2", "67.10", "67.2"]:
        Recommendation.objects.create(source=source, reference=ref, text=f"Text {ref}")

    ordered = recommendation_list(user=editor, filters=RecommendationFilters(sort=SortOrder.REFERENCE))

    assert [r.reference for r in ordered] == ["9", "10", "67.2", "67.10", "R2"]


def test_sources_are_hidden_when_nothing_in_them_is_visible(leak_data, outsider, source, orgs):
    from coopreview.recommendations.enums import Visibility
    from coopreview.recommendations.models import Source

    secret = Source.objects.create(symbol="SECRET/1", title="Internal set")
    Recommendation.objects.create(source=secret, reference="1", text="x", visibility=Visibility.MEMBERS)

    assert set(sources_visible_to(user=outsider)) == {source}


def test_source_get_or_create_records_the_reason(editor):
    from coopreview.recommendations.services import source_get_or_create

    source, created = source_get_or_create(
        symbol="A/HRC/13/6", title="UPR Albania", by=editor, reason="Imported"
    )
    again, created_again = source_get_or_create(symbol="A/HRC/13/6", title="ignored")

    assert created and not created_again and again == source
    assert source.history.first().history_change_reason == "Imported"


def test_with_links_gives_each_row_its_own_addressees_and_flags_in_relation_order(leak_data, orgs):
    from coopreview.recommendations.selectors import with_links

    first, second, third = leak_data["public"], leak_data["members"], leak_data["restricted"]
    urgent = PriorityFlag.objects.create(name="Urgent", colour="#F4B183")
    agreed = PriorityFlag.objects.create(name="Agreed", colour="#FFFF00")
    first.addressees.set([orgs["ASP"], orgs["OTP"], orgs["ICC"]])
    first.priority_flags.set([urgent, agreed])
    second.priority_flags.set([urgent])
    third.addressees.clear()

    rows = with_links(list(Recommendation.objects.filter(pk__in=[first.pk, second.pk, third.pk])))

    for rec in rows:
        assert rec.addressee_list == list(rec.addressees.all())
        assert rec.flag_list == list(rec.priority_flags.all())
    by_pk = {r.pk: r for r in rows}
    assert [f.name for f in by_pk[first.pk].flag_list] == ["Agreed", "Urgent"]
    assert by_pk[third.pk].addressee_list == [] and by_pk[third.pk].flag_list == []
