"""API fixtures: a token maker, and one record of every kind the API lists in each access layer, the
hidden ones carrying code words (zebracode: members; quokkacode: restricted to the OTP)."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from coopreview.api.services import token_create
from coopreview.followup import services as followup
from coopreview.knowledge import services as knowledge
from coopreview.knowledge.conftest import make_pdf
from coopreview.knowledge.enums import Measure
from coopreview.lineage import services as lineage
from coopreview.meetings import services as meetings
from coopreview.meetings.enums import MeetingType, ParticipantRole
from coopreview.recommendations.enums import Visibility


@pytest.fixture(autouse=True)
def _api_media_and_rates(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.API_RATE = settings.API_ANON_RATE = "100000/hour"  # the throttling test lowers it
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def make_token(db):
    def make(user, scope: str = "read", days: int = 30) -> str:
        return token_create(user=user, name=f"{user.username} {scope}", scope=scope, days=days)[1]

    return make


@pytest.fixture
def api_as(make_token):
    """An APIClient: anonymous (None), or a user by token ("read"/"write") or by session ("session")."""

    def client(user=None, how: str = "read") -> APIClient:
        c = APIClient()
        if user is None:
            return c
        if how == "session":
            c.force_login(user)
        else:
            c.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(user, how)}")
        return c

    return client


@pytest.fixture
def world(leak_data, orgs, editor, court_facing_users):
    """Follow-up, links, a meeting and knowledge entries around each layer's recommendation."""
    recs = leak_data
    otp_fp = court_facing_users
    for key, rec in recs.items():
        followup.categorisation_propose(
            recommendation=rec, category="court", by=editor, rationale=f"{key} why"
        )
        followup.stakeholder_view_record(
            recommendation=rec, organisation=orgs["RM"], by=editor, position=f"{key} position"
        )
    actions = {
        key: followup.action_create(
            by=otp_fp,
            title=f"{key} action {'zebracode' if key == 'members' else ''}"
            f"{'quokkacode' if key == 'restricted' else ''}",
            lead=orgs["OTP"],
            recommendations=[rec],
        )
        for key, rec in recs.items()
    }
    for key, act in actions.items():
        update = followup.progress_update_create(action=act, by=otp_fp, text=f"{key} progress", progress=10)
        followup.progress_update_validate(update=update, by=editor, publish=True)
    lineage.link_create(by=editor, from_pk=recs["public"].pk, to_pk=recs["members"].pk, link_type="builds_on")
    lineage.link_create(
        by=editor, from_pk=recs["restricted"].pk, to_pk=recs["public"].pk, link_type="overlaps"
    )
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    meeting = meetings.meeting_create(
        by=editor,
        title="Dialogue",
        type=MeetingType.FACILITATION,
        start=start,
        end=start + timedelta(hours=2),
        time_zone="Europe/Amsterdam",
        organisers=[orgs["FAC-COOP"]],
    )
    meetings.participant_add(
        meeting=meeting, by=editor, organisation=orgs["ICC"], role=ParticipantRole.PARTICIPANT
    )
    meetings.participant_add(
        meeting=meeting, by=editor, organisation=orgs["NGO"], role=ParticipantRole.OBSERVER
    )
    for key, title in [
        ("public", "Agreements"),
        ("members", "Zebracode item"),
        ("restricted", "Quokkacode item"),
    ]:
        meetings.agenda_item_add(meeting=meeting, by=editor, title=title, recommendations=[recs[key]])
    hidden = {"visibility": Visibility.RESTRICTED, "restricted_to": [orgs["OTP"]]}
    members = {"visibility": Visibility.MEMBERS}
    knowledge.profile_create(
        state=orgs["SEN"],
        measure=Measure.WITNESS_PROTECTION,
        by=editor,
        requirements="Public requirements",
        contact_details="Call secretline 555-0100",
    )
    knowledge.profile_create(
        state=orgs["FRA"], measure=Measure.ASSETS, by=editor, requirements="zebracode", **members
    )
    knowledge.profile_create(
        state=orgs["ALB"], measure=Measure.EVIDENCE, by=editor, requirements="quokkacode", **hidden
    )
    public_practice = knowledge.practice_create(
        by=editor, title="Public practice", recommendations=list(recs.values())
    )
    knowledge.practice_create(by=editor, title="zebracode practice", **members)
    hidden_practice = knowledge.practice_create(by=editor, title="quokkacode practice", **hidden)
    knowledge.case_law_create(
        by=editor, title="Public decision", date=date(2020, 1, 15), recommendations=list(recs.values())
    )
    knowledge.case_law_create(by=editor, title="quokkacode decision", **hidden)
    knowledge.document_upload(
        by=editor,
        title="Public guide",
        practice=hidden_practice,
        upload=SimpleUploadedFile("guide.pdf", make_pdf("platypus guide")),
    )
    knowledge.document_upload(
        by=editor,
        title="quokkacode memo",
        practice=public_practice,
        upload=SimpleUploadedFile("memo.pdf", make_pdf("memo")),
        **hidden,
    )
    return {"recs": recs, "actions": actions, "meeting": meeting}


@pytest.fixture
def court_facing_users(court_focal_point):
    return court_focal_point
