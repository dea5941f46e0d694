import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.knowledge import services
from coopreview.knowledge.enums import ProposalStatus
from coopreview.knowledge.models import ProfileChangeProposal

HIDDEN = ("zebracode", "quokkacode")


def test_index_lists_states_with_visible_sections_only(client, knowledge_data):
    response = client.get("/cooperation/")

    body = response.content.decode()
    assert "Senegal" in body and "France" not in body and "Albania" not in body
    assert_valid_html(response.content)


def test_state_page_shows_sections_freshness_and_case_law(client, knowledge_data):
    response = client.get("/cooperation/states/SEN/")

    body = response.content.decode()
    assert "Protection and relocation of witnesses" in body
    assert "Requests for witness relocation are written in French." in body
    assert "Last verified on" in body and "by Review Mechanism" in body
    assert "Decision on witness relocation" in body
    assert_valid_html(response.content)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        (None, False),
        ("outsider", False),
        ("observer", False),
        ("court_focal_point", True),
        ("state_focal_point", True),
    ],
)
def test_points_of_contact_only_for_signed_in_court_and_state_users(request, knowledge_data, persona, sees):
    user = request.getfixturevalue(persona) if persona else None

    body = client_for(user).get("/cooperation/states/SEN/").content.decode()

    assert ("secretline" in body) == sees


@pytest.mark.parametrize("persona", [None, "outsider", "observer"])
def test_hidden_profiles_are_404_for_outsiders(request, knowledge_data, persona):
    client = client_for(request.getfixturevalue(persona) if persona else None)

    assert client.get("/cooperation/states/FRA/").status_code == 404
    assert client.get("/cooperation/states/ALB/").status_code == 404
    assert client.get("/cooperation/states/XXX/").status_code == 404


def test_stale_section_is_flagged(knowledge_data, state_focal_point):
    body = client_for(state_focal_point).get("/cooperation/states/FRA/").content.decode()

    assert "Out of date: please verify" in body
    assert "zebracode" in body


def test_focal_point_verifies_own_state_only(knowledge_data, state_focal_point):
    client = client_for(state_focal_point)
    own, other = knowledge_data["profiles"]["public"], knowledge_data["profiles"]["members"]

    assert client.post(f"/cooperation/sections/{own.pk}/verify/").status_code == 302
    assert client.post(f"/cooperation/sections/{other.pk}/verify/").status_code == 403
    own.refresh_from_db()
    assert own.last_verified_by == state_focal_point


def test_propose_form_and_review_flow(knowledge_data, state_focal_point, editor):
    profile = knowledge_data["profiles"]["public"]
    client = client_for(state_focal_point)
    form = client.get(f"/cooperation/sections/{profile.pk}/propose/")
    assert form.status_code == 200
    assert_valid_html(form.content)
    data = {name: getattr(profile, name) or "" for name in profile.EDITABLE}
    data.update(legislation_date="", processing_time="Eight weeks", reason="Circular of May")

    response = client.post(f"/cooperation/sections/{profile.pk}/propose/", data)

    assert response.status_code == 302
    proposal = ProfileChangeProposal.objects.get()
    assert proposal.changes == {"processing_time": "Eight weeks"}
    review = client_for(editor).get("/cooperation/review/")
    assert "Eight weeks" in review.content.decode()
    assert_valid_html(review.content)
    assert (
        client_for(editor).post(f"/cooperation/review/{proposal.pk}/", {"decision": "accept"}).status_code
        == 302
    )
    proposal.refresh_from_db()
    profile.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and profile.processing_time == "Eight weeks"
    history = client_for(editor).get(f"/cooperation/sections/{profile.pk}/history/")
    assert "Eight weeks" in history.content.decode()
    assert_valid_html(history.content)


def test_propose_without_changes_is_422_with_message(knowledge_data, state_focal_point):
    profile = knowledge_data["profiles"]["public"]
    data = {name: getattr(profile, name) or "" for name in profile.EDITABLE}
    data["legislation_date"] = ""

    response = client_for(state_focal_point).post(f"/cooperation/sections/{profile.pk}/propose/", data)

    assert response.status_code == 422
    assert "changes nothing" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "observer", "court_focal_point"])
def test_others_cannot_propose_or_review(request, knowledge_data, persona):
    client = client_for(request.getfixturevalue(persona))
    profile = knowledge_data["profiles"]["public"]

    assert client.get(f"/cooperation/sections/{profile.pk}/propose/").status_code == 403
    assert client.get("/cooperation/review/").status_code == 403


def test_practice_list_and_detail_respect_access(client, knowledge_data):
    body = client.get("/cooperation/practices/").content.decode()
    assert "Public practice on witness relocation" in body
    for hidden in HIDDEN:
        assert hidden not in body
    assert (
        client.get(f"/cooperation/practices/{knowledge_data['practices']['members'].pk}/").status_code == 404
    )
    detail = client.get(f"/cooperation/practices/{knowledge_data['practices']['public'].pk}/")
    assert "Shared openly." in detail.content.decode()
    assert_valid_html(detail.content)


def test_case_law_list_and_detail(client, knowledge_data):
    body = client.get("/cooperation/case-law/").content.decode()
    assert "Decision on witness relocation" in body and "quokkacode" not in body
    detail = client.get(f"/cooperation/case-law/{knowledge_data['decision'].pk}/")
    assert "ICC-01/01-01/01-1" in detail.content.decode()
    assert_valid_html(detail.content)
    assert client.get(f"/cooperation/case-law/{knowledge_data['hidden_decision'].pk}/").status_code == 404


def test_case_law_in_french_shows_french_title(client, knowledge_data):
    client.cookies["django_language"] = "fr"

    body = client.get(f"/cooperation/case-law/{knowledge_data['decision'].pk}/").content.decode()

    assert "Décision sur la réinstallation des témoins" in body


def test_translation_missing_marker_is_visible(client, knowledge_data):
    client.cookies["django_language"] = "fr"

    body = client.get(f"/cooperation/practices/{knowledge_data['practices']['public'].pk}/").content.decode()

    assert "marker-missing" in body


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        (None, {"public"}),
        ("outsider", {"public"}),
        ("observer", {"public"}),
        ("registry_focal_point", {"public", "members"}),
        ("court_focal_point", {"public", "members", "restricted"}),
    ],
)
def test_document_download_only_for_who_may_see_it(request, knowledge_data, persona, visible):
    client = client_for(request.getfixturevalue(persona) if persona else None)

    for layer, document in knowledge_data["documents"].items():
        response = client.get(f"/cooperation/documents/{document.pk}/")
        if layer in visible:
            assert response.status_code == 200
            content = b"".join(response.streaming_content)
            assert content[:4] in (b"%PDF", b"PK\x03\x04")
            assert "attachment" in response["Content-Disposition"]
        else:
            assert response.status_code == 404


@pytest.mark.parametrize("url", ["/cooperation/practices/", "/cooperation/case-law/", "/cooperation/"])
def test_lists_constant_queries(url, editor, orgs):
    client = client_for(editor)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(i: int) -> None:
        services.practice_create(by=editor, title=f"P{i}", tags="a, b", organisation=orgs["SEN"])
        services.case_law_create(by=editor, title=f"D{i}", chamber="TC", topics="x")
        state = [orgs["SEN"], orgs["FRA"], orgs["ALB"]][i]
        services.profile_create(state=state, measure="arrest", by=editor)

    add(0)
    one = count()
    add(1)
    add(2)
    assert count() == one
