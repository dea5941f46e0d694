"""The web's authorization matrix, endpoint by endpoint: what a caller may not open is absent from
lists, counts, details, filters and errors, whichever way they sign in; writes need the write scope
and the same permission as on the pages."""

import json

import pytest

from coopreview.api.urls import router
from coopreview.followup.models import FollowupPart

LISTS = [f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry]
SECRETS = ("zebracode", "quokkacode", "secretline")


def _no_secret(response, where: str) -> None:
    body = response.content.decode().lower()
    leaked = [word for word in SECRETS if word in body]
    assert not leaked, f"{where}: {leaked} leaked"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider-token", "outsider-session", "observer-token"])
def test_nothing_hidden_in_any_list_or_detail(world, api_as, outsider, observer, editor, who):
    user = {"anonymous": None, "outsider-token": outsider, "outsider-session": outsider}.get(who, observer)
    client = api_as(user, "session" if who.endswith("session") else "read")
    everything = api_as(editor)
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        _no_secret(response, url)
        mine = {row["id"] for row in response.json()["results"]}
        for row in everything.get(url).json()["results"]:  # each record the editor sees…
            detail = client.get(f"{url}{row['id']}/")
            assert detail.status_code == (200 if row["id"] in mine else 404), (url, row["id"])
            _no_secret(detail, f"{url}{row['id']}/")


@pytest.mark.django_db
def test_counts_and_search_follow_the_layers(
    world, api_as, outsider, court_focal_point, editor, state_focal_point
):
    def count(client, query: str = "") -> int:
        return client.get(f"/api/v1/recommendations/{query}").json()["count"]

    assert count(api_as(None)) == count(api_as(outsider)) == 1
    assert count(api_as(state_focal_point)) == 2  # public + members
    assert count(api_as(court_focal_point)) == 3  # + restricted to the OTP
    assert count(api_as(editor)) == 3
    assert count(api_as(None), "?q=quokkacode") == 0
    assert count(api_as(court_focal_point), "?q=quokkacode") == 1
    assert count(api_as(None), "?visibility=restricted") == 0
    parts = api_as(None).get("/api/v1/followup-parts/").json()
    assert parts["count"] == FollowupPart.objects.filter(recommendation=world["recs"]["public"]).count()


@pytest.mark.django_db
def test_filter_on_a_hidden_record_is_refused_like_an_absent_one(world, api_as):
    hidden = world["recs"]["restricted"].source_id
    absent = api_as(None).get("/api/v1/recommendations/?section=999999")
    assert absent.status_code == 400
    response = api_as(None).get(f"/api/v1/followup-parts/?recommendation={world['recs']['restricted'].pk}")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert api_as(None).get(f"/api/v1/recommendations/?source={hidden}").status_code == 200


@pytest.mark.django_db
def test_linked_records_hidden_inside_visible_ones(world, api_as):
    """A public practice, decision and agenda show only the recommendations the caller may open; a
    public document attached to a hidden practice does not name it."""
    client = api_as(None)
    public = world["recs"]["public"].pk
    for url in ("/api/v1/practices/", "/api/v1/case-law/"):
        rows = client.get(url).json()["results"]
        assert [r["recommendations"] for r in rows] == [[public]], url
    assert [d["practice"] for d in client.get("/api/v1/documents/").json()["results"]] == [None]
    links = client.get("/api/v1/links/").json()
    assert links["count"] == 0  # each link touches a hidden end
    assert api_as(None).get("/api/v1/meetings/").json()["count"] == 0  # the public takes part in none


@pytest.mark.django_db
def test_schema_and_docs_hold_no_data(world, api_as):
    schema = api_as(None).get("/api/v1/schema/")
    assert schema.status_code == 200
    _no_secret(schema, "schema")
    docs = api_as(None).get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


@pytest.mark.django_db
def test_writes_need_the_write_scope_and_the_web_permission(
    world, api_as, editor, outsider, facilitator, court_focal_point
):
    rec = world["recs"]["public"]
    new = {"source": rec.source_id, "reference": "99", "text": "A new one."}
    assert api_as(None).post("/api/v1/recommendations/", new, format="json").status_code == 401
    assert api_as(editor, "read").post("/api/v1/recommendations/", new, format="json").status_code == 403
    assert api_as(outsider, "write").post("/api/v1/recommendations/", new, format="json").status_code == 403
    created = api_as(editor, "write").post("/api/v1/recommendations/", new, format="json")
    assert created.status_code == 201, created.content
    # The Court's part is the Court's: the facilitation (Assembly side) may not edit it, the OTP may.
    part = FollowupPart.objects.get(recommendation=rec, side="court")
    url = f"/api/v1/followup-parts/{part.pk}/"
    refused = api_as(facilitator, "write").patch(url, {"narrative": "Assembly says"}, format="json")
    assert refused.status_code == 403 and "Court" in refused.json()["detail"]
    done = api_as(court_focal_point, "write").patch(url, {"narrative": "OTP says"}, format="json")
    assert done.status_code == 200 and done.json()["narrative"] == "OTP says"
    # A write naming a hidden record is refused as if it did not exist.
    hidden = world["recs"]["restricted"].pk
    view = {"recommendation": hidden, "organisation": 1, "position": "x"}
    answer = api_as(facilitator, "write").post("/api/v1/stakeholder-views/", view, format="json")
    assert answer.status_code == 400 and "recommendation" in answer.json()
    _no_secret(answer, "stakeholder view on a hidden record")


@pytest.mark.django_db
def test_form_rules_are_the_web_forms(world, api_as, editor):
    rec = world["recs"]["public"]
    bad = {"source": rec.source_id, "reference": "98", "text": "x", "visibility": "restricted"}
    response = api_as(editor, "write").post("/api/v1/recommendations/", bad, format="json")
    assert response.status_code == 400
    assert "restricted_to" in response.json()  # the edit form's own message
    stale = api_as(editor, "write").patch(
        f"/api/v1/recommendations/{rec.pk}/",
        {"text": "new", "version": "2000-01-01T00:00:00Z"},
        format="json",
    )
    assert stale.status_code == 409


@pytest.mark.django_db
def test_session_writes_need_csrf(world, editor):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    rec = world["recs"]["public"]
    response = client.patch(f"/api/v1/recommendations/{rec.pk}/", {"text": "x"}, format="json")
    assert response.status_code == 403 and "CSRF" in json.dumps(response.json())


@pytest.mark.django_db
def test_history_and_as_of_follow_the_rule_of_then_and_now(world, api_as, editor, outsider, state_facing):
    from django.utils import timezone

    from coopreview.recommendations.services import recommendation_update

    rec = world["recs"]["public"]
    recommendation_update(recommendation=rec, by=editor, reason="clarified", text="Public, clarified.")
    assert api_as(outsider).get(f"/api/v1/recommendations/{rec.pk}/history/").status_code == 403
    history = api_as(state_facing).get(f"/api/v1/recommendations/{rec.pk}/history/")
    assert history.status_code == 200 and history.json()[0]["reason"] == "clarified"
    today = timezone.localdate().isoformat()
    snapshot = api_as(None).get(f"/api/v1/recommendations/{rec.pk}/as-of/?date={today}")
    assert snapshot.status_code == 200 and snapshot.json()["text"] == "Public, clarified."
    assert api_as(None).get(f"/api/v1/recommendations/{rec.pk}/as-of/?date=1999-01-01").status_code in (
        400,
        404,
    )
    hidden = world["recs"]["restricted"].pk
    assert api_as(None).get(f"/api/v1/recommendations/{hidden}/as-of/?date={today}").status_code == 404
    parts = api_as(None).get(f"/api/v1/followup-parts/as-of/?date={today}").json()
    assert {p["recommendation_id"] for p in parts} == {rec.pk}


@pytest.fixture
def state_facing(state_focal_point):
    return state_focal_point


@pytest.mark.django_db
def test_entry_history_withholds_what_was_closed_then(
    world, api_as, editor, outsider, state_focal_point, orgs
):
    from coopreview.knowledge import services as knowledge
    from coopreview.knowledge.enums import Measure
    from coopreview.knowledge.models import StateProfile

    profile = knowledge.profile_create(
        state=orgs["SEN"], measure=Measure.ARREST_SURRENDER, by=editor, requirements="quokkacode first draft",
        visibility="restricted", restricted_to=[orgs["OTP"]],
    )  # fmt: skip
    knowledge.profile_update(profile=profile, by=editor, requirements="Published text", visibility="public")
    url = f"/api/v1/state-profiles/{profile.pk}/history/"
    assert api_as(outsider).get(url).status_code == 403  # the page asks the same permission
    history = api_as(state_focal_point).get(url)
    assert history.status_code == 200
    assert [e["withheld"] for e in history.json()] == [False, True]
    _no_secret(history, "history of a profile once restricted")
    assert "quokkacode" in api_as(editor).get(url).content.decode()
    assert StateProfile.objects.filter(pk=profile.pk).exists()
    meeting = world["meeting"]
    assert api_as(outsider).get(f"/api/v1/meetings/{meeting.pk}/history/").status_code == 404
    assert api_as(editor).get(f"/api/v1/meetings/{meeting.pk}/history/").status_code == 200


@pytest.mark.django_db
def test_the_browsable_pages_list_no_hidden_choices(world, api_as, outsider, orgs):
    from coopreview.recommendations.models import Recommendation, Source

    hidden_source = Source.objects.create(symbol="QUOKKACODE/1", title="Only restricted")
    rec = Recommendation.objects.create(
        source=hidden_source, reference="1", text="x", visibility="restricted"
    )
    rec.restricted_to.set([orgs["OTP"]])
    client = api_as(outsider, "session")
    for url in (
        "/api/v1/recommendations/",
        "/api/v1/sources/",
        "/api/v1/actions/",
        "/api/v1/categorisations/",
    ):
        page = client.get(url, HTTP_ACCEPT="text/html")
        assert page.status_code == 200 and b"<html" in page.content
        _no_secret(page, f"{url} (HTML)")


@pytest.mark.django_db
def test_form_encoded_writes_are_read_like_json(world, api_as, editor):
    """Found by schemathesis: a multipart PATCH (values arrive as lists) was a server error."""
    rec = world["recs"]["public"]
    client = api_as(editor, "write")
    body = {"title": "Renamed", "date": "2000-01-01", "version": ""}
    response = client.patch(f"/api/v1/sources/{rec.source_id}/", body, format="multipart")
    assert response.status_code in (200, 400), response.content
    response = client.patch(f"/api/v1/sources/{rec.source_id}/", {"title": "Renamed"}, format="multipart")
    assert response.status_code == 200 and response.json()["title"] == "Renamed"
    response = client.patch(f"/api/v1/recommendations/{rec.pk}/", {"text": "Via a form"}, format="multipart")
    assert response.status_code == 200 and response.json()["text"] == "Via a form"


@pytest.mark.django_db
def test_ids_beyond_the_database_are_refused_cleanly(world, api_as, editor):
    """Found by schemathesis: ids past 2**63 overflowed SQLite's integers (a server error)."""
    huge = "10000000000000000000"
    client = api_as(editor, "write")
    assert client.get(f"/api/v1/recommendations/?section={huge}").status_code == 400
    assert client.get(f"/api/v1/recommendations/{huge}/").status_code == 404
    new = {"source": world["recs"]["public"].source_id, "reference": "X", "text": "x", "themes": [int(huge)]}
    response = client.post("/api/v1/recommendations/", new, format="json")
    assert response.status_code == 400 and "themes" in response.json()


@pytest.mark.django_db
def test_a_stakeholder_view_posted_twice_is_recorded_once(world, api_as, court_focal_point, orgs):
    from coopreview.followup.models import StakeholderView

    rec = world["recs"]["public"]
    view = {"recommendation": rec.pk, "organisation": orgs["OTP"].pk, "position": "Agreed."}
    first = api_as(court_focal_point, "write").post("/api/v1/stakeholder-views/", view, format="json")
    assert first.status_code == 201, first.content
    history = StakeholderView.history.count()

    again = api_as(court_focal_point, "write").post("/api/v1/stakeholder-views/", view, format="json")

    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert StakeholderView.history.count() == history
