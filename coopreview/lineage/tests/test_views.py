import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.lineage import services
from coopreview.lineage.models import Link, RejectedPair


def test_review_page_lists_suggestions_for_facilitator(facilitator, sets):
    response = client_for(facilitator).get(
        "/lineage/review/", {"source": sets["new"].pk, "target": sets["old"].pk}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "A/HRC/20/1 90.1 ↔ A/HRC/8/1 67.1" in body
    assert "quokkacode" not in body  # restricted to the OTP: facilitator may not see it
    assert_valid_html(response.content)


@pytest.mark.parametrize("persona", ["outsider", "observer", "state_focal_point"])
def test_review_page_forbidden_to_non_reviewers(request, sets, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        "/lineage/review/", {"source": sets["new"].pk}
    )

    assert response.status_code == 403


def test_review_page_unknown_method_is_a_form_error(editor, sets):
    response = client_for(editor).get("/lineage/review/", {"source": sets["new"].pk, "method": "bm99"})

    assert response.status_code == 400
    assert "bm99" in response.content.decode()


def test_confirm_creates_link_and_reject_remembers_pair(editor, sets):
    client = client_for(editor)
    a, b = sets["new_opcat"], sets["old_opcat"]

    confirmed = client.post(
        "/lineage/confirm/",
        {
            "prefix": "c0",
            "c0-from_id": a.pk,
            "c0-to_id": b.pk,
            "c0-link_type": "duplicates",
            "c0-reason": "same ask",
        },
        HTTP_HX_REQUEST="true",
    )
    rejected = client.post(
        "/lineage/reject/", {"from_id": a.pk, "to_id": sets["old_crpd"].pk}, HTTP_HX_REQUEST="true"
    )

    assert confirmed.status_code == 200 and "Confirmed" in confirmed.content.decode()
    assert Link.objects.get().reason == "same ask"
    assert rejected.status_code == 200 and "will not be suggested again" in rejected.content.decode()
    assert RejectedPair.objects.count() == 1


def test_confirm_to_hidden_record_is_422_without_revealing_it(facilitator, sets):
    response = client_for(facilitator).post(
        "/lineage/confirm/",
        {
            "prefix": "c0",
            "c0-from_id": sets["old_opcat"].pk,
            "c0-to_id": sets["hidden"].pk,
            "c0-link_type": "duplicates",
        },
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "not found" in body and "quokkacode" not in body and "90.5" not in body
    assert Link.objects.count() == 0


def test_panel_shows_link_on_both_records(editor, client, sets):
    services.link_create(
        by=editor,
        from_pk=sets["new_opcat"].pk,
        to_pk=sets["old_opcat"].pk,
        link_type="supersedes",
        reason="newer cycle",
    )

    old = client.get(f"/recommendations/{sets['old_opcat'].pk}/").content.decode()
    new = client.get(f"/recommendations/{sets['new_opcat'].pk}/").content.decode()

    assert "is superseded by" in old and "A/HRC/20/1 90.1" in old and "newer cycle" in old
    assert "supersedes" in new and "A/HRC/8/1 67.1" in new
    assert_valid_html(old)


def _make_links(editor, sets, n):
    pairs = [("new_opcat", "old_opcat"), ("new_nhri", "old_nhri"), ("new_fgm", "old_crpd")][:n]
    for a, b in pairs:
        services.link_create(by=editor, from_pk=sets[a].pk, to_pk=sets[b].pk, link_type="overlaps")


def _count_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/lineage/")
    return len(ctx.captured_queries), response.content.decode()


def test_link_list_constant_queries_for_1_and_3_links(editor, outsider, sets):
    client = client_for(outsider)
    _make_links(editor, sets, 1)
    client.get("/lineage/")
    one, body_one = _count_queries(client)

    Link.objects.all().delete()
    _make_links(editor, sets, 3)
    three, body_three = _count_queries(client)

    assert body_one.count("partially overlaps</td>") == 1 and body_three.count("partially overlaps</td>") == 3
    assert one == three
    assert_valid_html(body_three)


def test_link_list_filters_and_exports_without_leaks(editor, outsider, sets):
    _make_links(editor, sets, 2)
    services.link_create(
        by=editor, from_pk=sets["hidden"].pk, to_pk=sets["old_opcat"].pk, link_type="duplicates"
    )
    client = client_for(outsider)

    exported = json.loads(client.get("/lineage/", {"format": "json"}).content)
    filtered = client.get("/lineage/", {"type": "duplicates"}).content.decode()
    csv_text = client.get("/lineage/", {"format": "csv", "type": "overlaps"}).content.decode()

    assert len(exported) == 2 and {r["link_type"] for r in exported} == {"overlaps"}
    assert "No links." in filtered
    assert csv_text.splitlines()[0].startswith("from_id,from_source") and len(csv_text.splitlines()) == 3
    assert "90.5" not in csv_text


def test_implementation_page_shows_open_since_and_asked_again(editor, sets):
    response = client_for(editor).get(f"/lineage/implementation/{sets['old'].pk}/")

    body = response.content.decode()
    assert "open since 2008" in body
    assert "A/HRC/20/1 90.1</a> (2012)" in body
    assert_valid_html(response.content)


def test_groups_page_hides_invisible_members(editor, outsider, sets):
    services.duplicate_groups_build(by=editor, source=sets["new"])

    body = client_for(outsider).get(f"/lineage/groups/{sets['new'].pk}/").content.decode()
    editor_body = client_for(editor).get(f"/lineage/groups/{sets['new'].pk}/").content.decode()

    assert "90.1" in body and "quokkacode" not in body and "zebracode" not in body
    assert "quokkacode" in editor_body or "90.5" in editor_body
    assert_valid_html(body)


def test_groups_split_and_merge_through_the_page(editor, sets):
    from coopreview.lineage.models import DuplicateGroup

    client = client_for(editor)
    group = services.duplicate_groups_build(by=editor, source=sets["old"], threshold=0.0)[0]
    member = group.members.last().recommendation_id
    page = client.get(f"/lineage/groups/{sets['old'].pk}/")
    assert "Split the ticked recommendations off" in page.content.decode()
    assert_valid_html(page.content)

    split = client.post(
        f"/lineage/groups/{sets['old'].pk}/change/", {"split_group": group.pk, "member": [member]}
    )
    new = DuplicateGroup.objects.exclude(pk=group.pk).get()
    merged = client.post(
        f"/lineage/groups/{sets['old'].pk}/change/",
        {"action": "merge", "group": [group.pk, new.pk], "reason": "same"},
    )
    refused = client.post(
        f"/lineage/groups/{sets['old'].pk}/change/", {"action": "merge", "group": [group.pk]}
    )

    assert split.status_code == 302 and merged.status_code == 302
    assert DuplicateGroup.objects.count() == 1
    assert refused.status_code == 422 and "at least two groups" in refused.content.decode()


def test_groups_change_forbidden_to_outsider(outsider, editor, sets):
    group = services.duplicate_groups_build(by=editor, source=sets["old"], threshold=0.0)[0]

    response = client_for(outsider).post(
        f"/lineage/groups/{sets['old'].pk}/change/", {"action": "merge", "group": [group.pk]}
    )

    assert response.status_code == 403


def test_pages_in_french(editor, sets):
    from django.conf import settings

    client = client_for(editor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    services.link_create(
        by=editor, from_pk=sets["new_opcat"].pk, to_pk=sets["old_opcat"].pk, link_type="supersedes"
    )

    review = client.get("/lineage/review/", {"source": sets["new"].pk}).content.decode()
    record = client.get(f"/recommendations/{sets['old_opcat'].pk}/").content.decode()
    implementation = client.get(f"/lineage/implementation/{sets['old'].pk}/").content.decode()

    assert "Examiner les liens suggérés" in review and "Confirmer le lien" in review
    assert "Recommandations liées" in record and "est remplacée par" in record
    assert "en suspens depuis 2008" in implementation


def test_review_form_preselects_no_link_type_and_requires_one(editor, sets):
    client = client_for(editor)

    page = client.get("/lineage/review/", {"source": sets["new"].pk, "target": sets["old"].pk})
    missing = client.post(
        "/lineage/confirm/",
        {"prefix": "c0", "c0-from_id": sets["new_opcat"].pk, "c0-to_id": sets["old_opcat"].pk},
        HTTP_HX_REQUEST="true",
    )

    body = page.content.decode()
    assert '<option value="" selected>Choose a link type…</option>' in body
    assert 'value="duplicates" selected' not in body
    assert missing.status_code == 422 and "This field is required" in missing.content.decode()
    assert Link.objects.count() == 0


def test_review_suggestions_are_sorted_by_score(editor, sets):
    response = client_for(editor).get(
        "/lineage/review/", {"source": sets["new"].pk, "target": sets["old"].pk}
    )

    # Same addressee first (not widened), then best score first within each of the two groups.
    found = [(s.same_party, s.score) for s, _form, _n in response.context["suggestions"]]
    same = [score for party, score in found if party]
    other = [score for party, score in found if not party]
    assert len(same) > 2 and other
    assert found == [(True, score) for score in same] + [(False, score) for score in other]
    assert same == sorted(same, reverse=True) and other == sorted(other, reverse=True)


def test_find_related_from_a_recommendation_searches_its_own_source_too(editor, sets):
    response = client_for(editor).get("/lineage/review/", {"rec": sets["new_opcat"].pk, "widen": "on"})

    candidates = [s.candidate for s, _form, _n in response.context["suggestions"]]
    assert sets["old_opcat"] in candidates
    assert sets["new_opcat_sen"] in candidates  # same source, 90.2 asks the same
    assert sets["new_opcat"] not in candidates


def test_find_related_for_274_in_the_demo_suggests_273_and_275(db):
    from django.contrib.auth.models import User

    from coopreview.core.demo import demo_load
    from coopreview.recommendations.models import Recommendation

    demo_load()
    rec = Recommendation.objects.get(reference="274")

    response = client_for(User.objects.get(username="editor")).get(
        "/lineage/review/", {"rec": rec.pk, "widen": "on"}
    )

    refs = {s.candidate.reference for s, _form, _n in response.context["suggestions"]}
    assert {"273", "275"} <= refs
