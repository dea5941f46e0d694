import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.recommendations import services as rec_services
from coopreview.search.follower import search_follow_once
from coopreview.search.models import SearchEntry
from coopreview.search.selectors import search

HIDDEN = ("zebracode", "quokkacode", "secret-topic", "hidden-topic", "secretline")
PERSONAS = ["anonymous", "outsider", "observer", "state_focal_point", "court_focal_point", "editor"]


def _user(request, persona):
    return AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)


def _everything(results) -> str:
    parts = [str(results.total)]
    for hit in results.hits:
        parts += [hit.title_html, hit.snippet_html, hit.url]
    for name, values in results.facets.items():
        parts += [f"{name}:{v.value}:{v.label}:{v.count}" for v in values]
    return " ".join(parts)


@pytest.fixture
def everything(knowledge_data, leak_data):
    return knowledge_data


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_counts_and_facets_respect_access_layers(request, everything, persona):
    user = _user(request, persona)
    member = persona in ("state_focal_point", "court_focal_point", "editor")
    otp = persona in ("court_focal_point", "editor")

    for code, allowed in (("zebracode", member), ("quokkacode", otp)):
        results = search(query=code, user=user, filters={})
        if allowed:
            assert results.total >= 1 and code in _everything(results)
        else:
            assert results.total == 0 and results.hits == [] and results.facets["kind"] == []

    browse = search(query="", user=user, filters={}, limit=100)
    text = _everything(browse)
    assert ("zebracode" in text) == member
    assert ("quokkacode" in text) == otp
    assert ("hidden-topic" in text) == otp
    assert "secretline" not in text  # points of contact are never indexed
    kinds = {v.value: v.count for v in browse.facets["kind"]}
    assert sum(kinds.values()) == browse.total == len(browse.hits)


def test_anonymous_counts_are_the_public_counts(everything):
    results = search(query="", user=AnonymousUser(), filters={}, limit=100)

    assert results.total == SearchEntry.objects.filter(visibility="public").count()
    assert {h.kind for h in results.hits} == {"rec", "profile", "practice", "caselaw", "document"}


def test_restricted_organisation_sees_its_entries_only(everything, registry_focal_point, court_focal_point):
    assert search(query="quokkacode", user=registry_focal_point, filters={}).total == 0
    assert search(query="quokkacode", user=court_focal_point, filters={}).total >= 4


def test_witness_relocation_requirements_found_by_state(everything, court_focal_point):
    results = search(
        query="requirements for witness relocation in Senegal", user=court_focal_point, filters={}
    )

    assert results.hits and results.hits[0].kind == "profile"
    assert "SEN" in results.hits[0].states
    assert "<mark>" in results.hits[0].title_html
    assert results.hits[0].url.startswith("/cooperation/states/SEN/")


def test_case_law_found_and_filtered_by_type(everything, court_focal_point):
    results = search(query="witness relocation", user=court_focal_point, filters={"kind": "caselaw"})

    assert [h.kind for h in results.hits] == ["caselaw"] * len(results.hits) and results.hits
    assert "Decision on witness relocation" in results.hits[0].title_html.replace("<mark>", "").replace(
        "</mark>", ""
    )


@pytest.mark.parametrize("query", ["témoins", "temoins", "TÉMOINS", "réinstallation", "reinstallation"])
def test_french_queries_with_or_without_accents(everything, query):
    results = search(query=query, user=AnonymousUser(), filters={"language": "fr"})

    assert results.total >= 2
    assert {h.kind for h in results.hits} >= {"profile", "caselaw"}


@pytest.mark.parametrize(
    "query",
    ['"', '"unbalanced', "AND", "OR NOT", "*", "a*b", "(", ")", "NEAR(a b)", "title:x", "^", "-", "{}",
     "'", ":", "col:umn", "x" * 600, "\x00", "<script>alert(1)</script>", "the of and"],
)  # fmt: skip
def test_fts_syntax_and_stop_words_never_fail(everything, query):
    results = search(query=query, user=AnonymousUser(), filters={})

    text = _everything(results)
    assert "<script>" not in text
    for hidden in HIDDEN:
        assert hidden not in text


def test_stop_word_only_query_is_flagged(everything):
    assert search(query="the of", user=AnonymousUser(), filters={}).only_stop_words
    assert not search(query="the witness", user=AnonymousUser(), filters={}).only_stop_words


def test_unknown_facet_values_and_names_match_nothing_without_error(everything):
    assert search(query="", user=AnonymousUser(), filters={"kind": "nope"}).total == 0
    assert search(query="", user=AnonymousUser(), filters={"state": ["'; DROP TABLE x; --"]}).total == 0
    assert search(query="", user=AnonymousUser(), filters={"bogus": "x"}).total > 0


def test_snippets_escape_html_but_keep_marks(editor):
    from coopreview.knowledge import services

    services.practice_create(by=editor, title="Tom & <b>Jerry</b> relocation", summary="x < y relocation")

    hit = search(query="relocation", user=editor, filters={}).hits[0]

    assert "&amp;" in hit.title_html and "&lt;b&gt;" in hit.title_html
    assert "<mark>relocation</mark>" in hit.title_html


def test_recommendation_edits_are_indexed_in_the_same_transaction(leak_data, editor):
    rec = leak_data["public"]

    rec_services.recommendation_update(recommendation=rec, by=editor, text="Now about wallaby agreements.")

    assert search(query="wallaby", user=AnonymousUser(), filters={}).total == 1
    rec_services.recommendation_update(recommendation=rec, by=editor, visibility="members")
    assert search(query="wallaby", user=AnonymousUser(), filters={}).total == 0


def test_rebuild_command_restores_the_index(everything):
    expected = SearchEntry.objects.count()
    SearchEntry.objects.all().delete()
    assert search(query="witness", user=AnonymousUser(), filters={}).total == 0

    call_command("search_index", "--rebuild", verbosity=0)

    assert SearchEntry.objects.count() == expected
    assert search(query="witness", user=AnonymousUser(), filters={}).total > 0
    from coopreview.knowledge import services  # writes after a rebuild are indexed again

    services.practice_create(by=None, title="Echidna practice")
    assert search(query="echidna", user=AnonymousUser(), filters={}).total == 1


def test_counts_are_capped(everything, monkeypatch):
    from coopreview.search import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)

    results = search(query="", user=AnonymousUser(), filters={}, limit=1)

    assert results.total == 3 and results.total_capped


def test_pagination(everything):
    first = search(query="", user=AnonymousUser(), filters={}, limit=2)
    second = search(query="", user=AnonymousUser(), filters={}, limit=2, offset=2)

    assert first.has_next and len(second.hits) == 2
    assert {(h.url, h.language) for h in first.hits}.isdisjoint({(h.url, h.language) for h in second.hits})


# --- the search page ---------------------------------------------------------------------------


def test_search_page_shows_public_results_to_anonymous(client, everything):
    response = client.get("/search/", {"q": "witness"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Public practice on" in body and "<mark>" in body
    for hidden in HIDDEN:
        assert hidden not in body
    assert_valid_html(response.content)


def test_search_page_in_french(client, everything):
    client.cookies["django_language"] = "fr"

    response = client.get("/search/", {"q": "temoins"}, HTTP_ACCEPT_LANGUAGE="fr")

    body = response.content.decode()
    assert "résultat" in body and "Rechercher" in body
    assert_valid_html(response.content)


def test_search_page_htmx_returns_the_fragment(client, everything):
    response = client.get("/search/", {"q": "witness"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "<html" not in body and "result" in body


def test_search_page_facet_links_filter(client, everything):
    response = client.get("/search/", {"q": "witness", "kind": "caselaw"})

    body = response.content.decode()
    assert "Decision on" in body and "Public practice on" not in body
    assert_valid_html(response.content)


def test_search_page_constant_queries(client, knowledge_data, editor):
    from coopreview.knowledge import services

    def count() -> int:
        # The follower's steps, not the page's queries (no-ops for the sql engine): the first builds the
        # index, the second re-reads the lookback window after the build.
        search_follow_once()
        search_follow_once()
        with CaptureQueriesContext(connection) as ctx:
            assert client_for(editor).get("/search/", {"q": "pangolin"}).status_code == 200
        return len(ctx.captured_queries)

    services.practice_create(
        by=editor, title="pangolin one", organisation=knowledge_data["profiles"]["public"].state
    )
    count()  # warms the per-process caches (organisation names for the State facet)
    one = count()
    for i in range(2):
        services.practice_create(by=editor, title=f"pangolin {i}", tags=f"tag{i}")
    assert count() == one


def test_search_page_says_which_filter_values_are_invalid(client, everything):
    response = client.get("/search/", {"q": "witness", "kind": "caselaw", "year": "20x4", "language": "xx"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "“20x4” is not a valid year" in body and "“xx” is not a valid language" in body
    assert "Decision on" in body  # the valid filter still applies
    assert_valid_html(response.content)


def test_search_page_valid_filters_give_no_warning(client, everything):
    response = client.get("/search/", {"q": "witness", "kind": "caselaw", "year": "2024", "state": "SEN"})

    assert response.status_code == 200 and "not a valid" not in response.content.decode()
