import pytest

from coopreview.lineage import selectors, services
from coopreview.lineage.selectors import LineageError
from coopreview.recommendations.models import Recommendation


def _queries(*recs):
    return Recommendation.objects.filter(pk__in=[r.pk for r in recs])


def test_paraphrase_found_first_for_same_addressee(editor, sets):
    found = selectors.suggestions(user=editor, queries=_queries(sets["new_opcat"]), target=sets["old"])

    assert found[0].candidate == sets["old_opcat"] and found[0].same_party


def test_same_addressee_first_and_widen_option(editor, sets):
    query = _queries(
        sets["new_opcat_sen"]
    )  # addressed to Senegal; the OP-CAT ask in the old set was to Albania

    narrow = selectors.suggestions(user=editor, queries=query, target=sets["old"])
    wide = selectors.suggestions(user=editor, queries=query, target=sets["old"], widen=True)

    assert narrow[0].candidate == sets["old_death"]  # the only Senegal record comes first
    assert wide[0].candidate == sets["old_opcat"]


@pytest.mark.parametrize("persona", ["outsider", "observer", "state_focal_point"])
def test_suggestions_never_include_records_the_user_may_not_see(request, sets, persona):
    user = request.getfixturevalue(persona)

    found = selectors.suggestions(user=user, queries=_queries(sets["old_opcat"]), target=sets["new"], top=20)

    shown = {s.candidate.pk for s in found}
    assert sets["hidden"].pk not in shown
    assert (sets["members"].pk in shown) == (persona == "state_focal_point")
    assert sets["new_opcat"].pk in shown


def test_hidden_query_gives_no_suggestions(outsider, sets):
    assert selectors.suggestions(user=outsider, queries=_queries(sets["hidden"]), target=sets["old"]) == []


def test_unknown_method_and_source(editor, sets):
    with pytest.raises(LineageError, match="Unknown method: bm99"):
        selectors.suggestions(user=editor, queries=_queries(sets["new_opcat"]), method="bm99")
    with pytest.raises(LineageError, match="Unknown source: NOPE"):
        selectors.source_resolve(user=editor, value="NOPE")


def test_links_visible_on_both_records_only_to_those_who_see_both(editor, outsider, sets):
    services.link_create(
        by=editor, from_pk=sets["new_opcat"].pk, to_pk=sets["old_opcat"].pk, link_type="supersedes"
    )
    services.link_create(
        by=editor, from_pk=sets["hidden"].pk, to_pk=sets["old_opcat"].pk, link_type="duplicates"
    )

    old_side = selectors.links_of(user=outsider, recommendation=sets["old_opcat"])
    new_side = selectors.links_of(user=outsider, recommendation=sets["new_opcat"])

    assert [(v.label, v.other) for v in old_side] == [("is superseded by", sets["new_opcat"])]
    assert [(v.label, v.other) for v in new_side] == [("supersedes", sets["old_opcat"])]
    assert selectors.link_list(user=outsider).count() == 1
    assert selectors.link_list(user=editor).count() == 2


def test_implementation_review_shows_open_and_asked_again(editor, outsider, sets):
    services.link_create(
        by=editor, from_pk=sets["old_nhri"].pk, to_pk=sets["new_nhri"].pk, link_type="implemented_by"
    )

    rows = {
        r.recommendation.reference: r
        for r in selectors.implementation_review(user=outsider, source=sets["old"])
    }

    assert rows["67.4"].status == "implemented"
    assert rows["67.1"].status == "open" and rows["67.1"].open_and_repeated
    assert sets["new_opcat"] in [other for other, _kind, _score in rows["67.1"].repeated_by]
    assert all(
        other.pk not in (sets["hidden"].pk, sets["members"].pk)
        for r in rows.values()
        for other, *_ in r.repeated_by
    )


def test_unavailable_method_falls_back_to_default_and_says_so(editor, sets, monkeypatch):
    from coopreview.lineage import similarity

    def missing():
        raise similarity.MethodUnavailable("pip install 'coopreview[embeddings]'")

    monkeypatch.setattr(similarity, "load_embedding_model", missing)
    notes: list[str] = []

    found = selectors.suggestions(
        user=editor, queries=_queries(sets["new_opcat"]), target=sets["old"], method="embeddings", notes=notes
    )

    assert found[0].candidate == sets["old_opcat"]
    assert notes and "embeddings method is unavailable" in notes[0] and "tfidf" in notes[0]


@pytest.mark.skipif(
    __import__("coopreview.lineage.similarity", fromlist=["x"]).available_methods()["embeddings"] is not None,
    reason="optional extra `embeddings` not installed",
)
def test_embeddings_method_runs_offline_when_installed(editor, sets, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    found = selectors.suggestions(
        user=editor, queries=_queries(sets["new_opcat"]), target=sets["old"], method="embeddings"
    )

    assert found[0].candidate == sets["old_opcat"]
