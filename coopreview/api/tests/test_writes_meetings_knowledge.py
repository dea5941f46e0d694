"""Writes on meetings, agenda items and the cooperation platform through the API: the web's permission
(same django-rules, same services), the token's scope, and no hidden record named in any answer."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coopreview.api.tests.test_permissions import _no_secret
from coopreview.audit.enums import AuditAction
from coopreview.audit.models import AuditEvent
from coopreview.knowledge.conftest import make_pdf
from coopreview.knowledge.models import CaseLaw, Document, Practice, ProfileChangeProposal, StateProfile
from coopreview.meetings import services as meeting_services
from coopreview.meetings.models import AgendaItem, Decision, Meeting


def _meeting_body(**extra) -> dict:
    day = (timezone.now() + timedelta(days=30)).date().isoformat()
    return {
        "title": "API meeting",
        "type": "facilitation",
        "start": f"{day}T10:00",
        "end": f"{day}T12:00",
        "time_zone": "Europe/Amsterdam",
        **extra,
    }


@pytest.mark.django_db
def test_meeting_create_and_edit_follow_the_meeting_rules(
    world, api_as, editor, facilitator, outsider, observer, orgs
):
    body = _meeting_body(organisers=[orgs["FAC-COOP"].pk])
    assert api_as(None).post("/api/v1/meetings/", body, format="json").status_code == 401
    assert api_as(facilitator, "read").post("/api/v1/meetings/", body, format="json").status_code == 403
    assert api_as(outsider, "write").post("/api/v1/meetings/", body, format="json").status_code == 403
    assert api_as(observer, "write").post("/api/v1/meetings/", body, format="json").status_code == 403
    created = api_as(facilitator, "write").post("/api/v1/meetings/", body, format="json")
    assert created.status_code == 201, created.content
    meeting = Meeting.objects.get(pk=created.json()["id"])
    assert meeting.local_start.hour == 10 and str(meeting.local_start.tzinfo) == "Europe/Amsterdam"
    # The form's own rules: the end after the start, a real time zone.
    bad = api_as(editor, "write").post(
        "/api/v1/meetings/", _meeting_body(end="2000-01-01T00:00"), format="json"
    )
    assert bad.status_code == 400 and "end" in bad.json()
    zone = api_as(editor, "write").post(
        "/api/v1/meetings/", _meeting_body(time_zone="Mars/Base"), format="json"
    )
    assert zone.status_code == 400 and "time_zone" in zone.json()
    url = f"/api/v1/meetings/{world['meeting'].pk}/"
    assert api_as(outsider, "write").patch(url, {"title": "x"}, format="json").status_code == 404  # not seen
    assert api_as(observer, "write").patch(url, {"title": "x"}, format="json").status_code == 403  # seen
    done = api_as(editor, "write").patch(url, {"title": "Renamed", "reason": "typo"}, format="json")
    assert done.status_code == 200 and done.json()["title"] == "Renamed"
    world["meeting"].refresh_from_db()
    assert world["meeting"].start == meeting_services.Meeting.objects.get(pk=world["meeting"].pk).start
    assert world["meeting"].history.first().history_change_reason == "typo"


@pytest.mark.django_db
def test_agenda_items_and_decisions(
    world, api_as, editor, facilitator, observer, outsider, court_focal_point
):
    meeting, recs = world["meeting"], world["recs"]
    body = {"meeting": meeting.pk, "title": "New item", "recommendations": [recs["public"].pk]}
    assert api_as(None).post("/api/v1/agenda-items/", body, format="json").status_code == 401
    assert api_as(facilitator, "read").post("/api/v1/agenda-items/", body, format="json").status_code == 403
    assert api_as(observer, "write").post("/api/v1/agenda-items/", body, format="json").status_code == 403
    # A meeting the caller does not see is refused like an absent one (400 naming the field).
    hidden = api_as(outsider, "write").post("/api/v1/agenda-items/", body, format="json")
    assert hidden.status_code == 400 and "meeting" in hidden.json()
    # A recommendation the facilitator may not open is refused without naming it.
    secret = {**body, "recommendations": [recs["restricted"].pk]}
    refused = api_as(facilitator, "write").post("/api/v1/agenda-items/", secret, format="json")
    assert refused.status_code == 400 and "recommendation_ids" in refused.json()
    _no_secret(refused, "agenda item on a hidden recommendation")
    added = api_as(facilitator, "write").post("/api/v1/agenda-items/", body, format="json")
    assert added.status_code == 201, added.content
    item = AgendaItem.objects.get(pk=added.json()["id"])
    assert item.position == 4 and list(item.recommendations.all()) == [recs["public"]]
    url = f"/api/v1/agenda-items/{item.pk}/"
    moved = api_as(editor, "write").patch(url, {"move": "up"}, format="json")
    assert moved.status_code == 200 and moved.json()["position"] == 3
    # Minutes and decisions wait for the meeting to be held (the service's message, a 400).
    early = api_as(editor, "write").patch(url, {"minutes": "Said"}, format="json")
    assert early.status_code == 400 and "held" in early.json()["detail"]
    meeting_services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    assert api_as(observer, "write").patch(url, {"minutes": "x"}, format="json").status_code == 403
    minutes = api_as(editor, "write").patch(url, {"minutes": "Said"}, format="json")
    assert minutes.status_code == 200 and minutes.json()["minutes"] == "Said"
    decide = f"{url}decisions/"
    # The OTP takes part (through the Court) but does not organise: seen, refused.
    wrong_organ = api_as(court_focal_point, "write").post(decide, {"text": "x"}, format="json")
    assert wrong_organ.status_code == 403
    assert api_as(editor, "read").post(decide, {"text": "x"}, format="json").status_code == 403
    missing = api_as(editor, "write").post(decide, {"text": "x", "kind": "move_status"}, format="json")
    assert missing.status_code == 400 and "organisation" in missing.json()
    decided = api_as(editor, "write").post(decide, {"text": "Agreed."}, format="json")
    assert decided.status_code == 201, decided.content
    assert Decision.objects.get(pk=decided.json()["id"]).item == item


@pytest.mark.django_db
def test_agenda_item_edit(world, api_as, editor, facilitator, observer):
    item = AgendaItem.objects.get(title="Agreements")
    url = f"/api/v1/agenda-items/{item.pk}/"
    assert api_as(None).patch(url, {"title": "x"}, format="json").status_code == 401
    assert api_as(facilitator, "read").patch(url, {"title": "x"}, format="json").status_code == 403
    assert api_as(observer, "write").patch(url, {"title": "x"}, format="json").status_code == 403
    hidden = world["recs"]["restricted"].pk
    refused = api_as(facilitator, "write").patch(url, {"recommendations": [hidden]}, format="json")
    assert refused.status_code == 400 and "recommendation_ids" in refused.json()
    _no_secret(refused, "agenda item edit naming a hidden recommendation")
    done = api_as(facilitator, "write").patch(
        url, {"title": "Agreed texts", "reason": "clearer"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["title"] == "Agreed texts" and done.json()["recommendations"] == [
        world["recs"]["public"].pk
    ]


@pytest.mark.django_db
def test_hidden_agenda_items_are_absent_to_writers_who_may_not_open_them(world, api_as, observer):
    hidden = AgendaItem.objects.get(title="Quokkacode item")
    response = api_as(observer, "write").patch(
        f"/api/v1/agenda-items/{hidden.pk}/", {"move": "up"}, format="json"
    )
    assert response.status_code == 404
    _no_secret(response, "hidden agenda item")


@pytest.mark.django_db
def test_practices_and_case_law_are_written_by_editors_only(world, api_as, editor, state_focal_point, orgs):
    recs = world["recs"]
    body = {
        "title": "API practice",
        "recommendations": [recs["public"].pk],
        "body": "<p>ok</p><script>x</script>",
    }
    assert api_as(None).post("/api/v1/practices/", body, format="json").status_code == 401
    assert api_as(editor, "read").post("/api/v1/practices/", body, format="json").status_code == 403
    assert (
        api_as(state_focal_point, "write").post("/api/v1/practices/", body, format="json").status_code == 403
    )
    created = api_as(editor, "write").post("/api/v1/practices/", body, format="json")
    assert created.status_code == 201, created.content
    practice = Practice.objects.get(pk=created.json()["id"])
    assert "script" not in practice.body  # the service's sanitiser
    restricted = api_as(editor, "write").post(
        "/api/v1/practices/", {"title": "x", "visibility": "restricted"}, format="json"
    )
    assert restricted.status_code == 400 and "restricted_to" in restricted.json()  # the form's rule
    url = f"/api/v1/practices/{practice.pk}/"
    edited = api_as(editor, "write").patch(url, {"summary": "Now summarised"}, format="json")
    assert edited.status_code == 200 and edited.json()["recommendations"] == [recs["public"].pk]
    stale = api_as(editor, "write").patch(
        url, {"summary": "x", "version": "2000-01-01T00:00:00Z"}, format="json"
    )
    assert stale.status_code == 409
    hidden = Practice.objects.get(title="quokkacode practice")
    refused = api_as(state_focal_point, "write").patch(
        f"/api/v1/practices/{hidden.pk}/", {"title": "x"}, format="json"
    )
    assert refused.status_code == 404
    _no_secret(refused, "hidden practice")
    case = {"title": "API decision", "date": "2021-02-03", "link": "https://example.org/d"}
    assert (
        api_as(state_focal_point, "write").post("/api/v1/case-law/", case, format="json").status_code == 403
    )
    made = api_as(editor, "write").post("/api/v1/case-law/", case, format="json")
    assert made.status_code == 201, made.content
    decision = CaseLaw.objects.get(pk=made.json()["id"])
    patched = api_as(editor, "write").patch(
        f"/api/v1/case-law/{decision.pk}/", {"chamber": "PTC II"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["chamber"] == "PTC II"
    assert patched.json()["date"] == "2021-02-03"


@pytest.mark.django_db
def test_profile_sections_verified_and_proposed_by_their_state_only(
    world, api_as, state_focal_point, editor, orgs
):
    own = StateProfile.objects.get(state=orgs["SEN"])
    other = StateProfile.objects.get(state=orgs["FRA"])  # members: the SEN focal point sees it
    hidden = StateProfile.objects.get(state=orgs["ALB"])  # restricted to the OTP
    client = api_as(state_focal_point, "write")
    assert client.post(f"/api/v1/state-profiles/{other.pk}/verify/").status_code == 403
    assert (
        client.post(f"/api/v1/state-profiles/{other.pk}/propose/", {"requirements": "x"}).status_code == 403
    )
    absent = client.post(f"/api/v1/state-profiles/{hidden.pk}/verify/")
    assert absent.status_code == 404
    _no_secret(absent, "hidden profile")
    assert (
        api_as(state_focal_point, "read").post(f"/api/v1/state-profiles/{own.pk}/verify/").status_code == 403
    )
    verified = client.post(f"/api/v1/state-profiles/{own.pk}/verify/")
    assert (
        verified.status_code == 200
        and verified.json()["last_verified_on"] == timezone.localdate().isoformat()
    )
    same = client.post(f"/api/v1/state-profiles/{own.pk}/propose/", {"requirements": own.requirements})
    assert same.status_code == 400 and "nothing" in same.json()["detail"]
    proposed = client.post(
        f"/api/v1/state-profiles/{own.pk}/propose/",
        {"requirements": "New rules", "reason": "law"},
        format="json",
    )
    assert proposed.status_code == 201, proposed.content
    assert ProfileChangeProposal.objects.get(pk=proposed.json()["id"]).changes == {
        "requirements": "New rules"
    }


@pytest.mark.django_db
def test_document_upload_and_download_with_the_web_audit(world, api_as, editor, outsider, court_focal_point):
    public = Practice.objects.get(title="Public practice")
    hidden = Practice.objects.get(title="quokkacode practice")

    def upload(practice, name="note.pdf", content=None):
        return {
            "practice": practice.pk,
            "title": "API note",
            "language": "en",
            "file": SimpleUploadedFile(name, content or make_pdf("api note")),
        }

    assert api_as(None).post("/api/v1/documents/", upload(public), format="multipart").status_code == 401
    assert (
        api_as(editor, "read").post("/api/v1/documents/", upload(public), format="multipart").status_code
        == 403
    )
    assert (
        api_as(outsider, "write").post("/api/v1/documents/", upload(public), format="multipart").status_code
        == 403
    )
    not_seen = api_as(outsider, "write").post("/api/v1/documents/", upload(hidden), format="multipart")
    assert not_seen.status_code == 400 and "practice" in not_seen.json()
    _no_secret(not_seen, "upload to a hidden practice")
    fake = api_as(editor, "write").post(
        "/api/v1/documents/", upload(public, "x.pdf", b"not a pdf at all"), format="multipart"
    )
    assert fake.status_code == 400 and Document.objects.filter(title="API note").count() == 0
    made = api_as(editor, "write").post("/api/v1/documents/", upload(hidden), format="multipart")
    assert made.status_code == 201, made.content
    document = Document.objects.get(pk=made.json()["id"])
    assert document.visibility == hidden.visibility  # takes the practice's access
    url = f"/api/v1/documents/{document.pk}/download/"
    assert api_as(None).get(url).status_code == 404
    assert api_as(outsider).get(url).status_code == 404
    before = AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).count()
    got = api_as(court_focal_point).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).first()
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).count() == before + 1
    assert event.user == court_focal_point and event.object_id == str(document.pk)
    guide = Document.objects.get(title="Public guide")
    assert api_as(None).get(f"/api/v1/documents/{guide.pk}/download/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).count() == before + 1  # public: no event


@pytest.mark.django_db
def test_token_creation_and_revocation_are_audited(editor, make_token):
    from coopreview.api.models import ApiToken
    from coopreview.api.services import token_revoke

    secret = make_token(editor, "write")
    token = ApiToken.objects.get(user=editor)
    created = AuditEvent.objects.get(action=AuditAction.TOKEN_CREATED)
    assert created.user == editor and created.object_id == str(token.pk)
    assert created.detail["scope"] == "write" and secret not in str(created.detail)
    token_revoke(token=token, by=editor)
    token_revoke(token=token, by=editor)  # a second revoke changes nothing and records nothing
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED, object_id=str(token.pk)).count() == 1
