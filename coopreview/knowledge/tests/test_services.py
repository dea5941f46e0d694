from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from coopreview.core.exceptions import ConcurrentEditError, ServiceError
from coopreview.knowledge import services
from coopreview.knowledge.conftest import make_docx, make_encrypted_pdf, make_pdf
from coopreview.knowledge.enums import Measure, ProposalStatus, Visibility
from coopreview.knowledge.models import Document, StateProfile
from coopreview.search.models import SearchEntry


def test_proposal_accepted_applies_changes_and_updates_freshness(knowledge_data, state_focal_point, editor):
    profile = knowledge_data["profiles"]["public"]

    proposal = services.proposal_create(
        profile=profile,
        by=state_focal_point,
        changes={"processing_time": "Six weeks", "competent_authority": "Ministry of Justice"},
        reason="New circular",
    )
    services.proposal_accept(proposal=proposal, by=editor, note="Checked")

    profile.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.changes == {"processing_time": "Six weeks"}  # unchanged fields are not proposed
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_by == editor
    assert profile.processing_time == "Six weeks"
    assert profile.last_verified_on == timezone.localdate()
    assert profile.last_verified_by == state_focal_point
    assert profile.history.first().history_change_reason == f"Accepted proposal #{proposal.pk}"
    assert "Six weeks" in SearchEntry.objects.get(kind="profile", object_id=profile.pk, language="en").body


def test_proposal_declined_changes_nothing_and_cannot_be_decided_twice(
    knowledge_data, state_focal_point, editor
):
    profile = knowledge_data["profiles"]["public"]
    proposal = services.proposal_create(profile=profile, by=state_focal_point, changes={"languages": "Wolof"})

    services.proposal_decline(proposal=proposal, by=editor, note="Not official")

    profile.refresh_from_db()
    assert profile.languages == ""
    with pytest.raises(ServiceError, match="already"):
        services.proposal_accept(proposal=proposal, by=editor)


def test_proposal_refuses_empty_and_unknown_fields(knowledge_data, state_focal_point):
    profile = knowledge_data["profiles"]["public"]

    with pytest.raises(ServiceError, match="changes nothing"):
        services.proposal_create(profile=profile, by=state_focal_point, changes={"languages": ""})
    with pytest.raises(ServiceError, match="visibility"):
        services.proposal_create(profile=profile, by=state_focal_point, changes={"visibility": "public"})


def test_verify_sets_last_verified(knowledge_data, state_focal_point):
    profile = knowledge_data["profiles"]["members"]
    assert profile.is_stale()

    services.profile_verify(profile=profile, by=state_focal_point)

    profile.refresh_from_db()
    assert profile.last_verified_on == timezone.localdate() and profile.last_verified_by == state_focal_point
    assert not profile.is_stale()


def test_freshness_period_is_a_setting(knowledge_data, settings):
    profile = knowledge_data["profiles"]["public"]  # verified 10 days ago

    settings.KNOWLEDGE_FRESHNESS_DAYS = 5
    assert profile.is_stale()
    settings.KNOWLEDGE_FRESHNESS_DAYS = 30
    assert not profile.is_stale()


def test_reminders_go_to_the_states_focal_points_only(
    knowledge_data, state_focal_point, court_focal_point, orgs
):
    from coopreview.accounts.enums import Role
    from coopreview.accounts.services import membership_grant

    membership_grant(user=court_focal_point, organisation=orgs["FRA"], role=Role.STATE_FOCAL_POINT)
    now = timezone.now() + timedelta(days=400)  # every section is stale by then

    assert services.profile_reminders_send(now=now, dry_run=True) == 2
    assert mail.outbox == []
    sent = services.profile_reminders_send(now=now, dry_run=False)

    assert sent == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {state_focal_point.email, court_focal_point.email}
    assert "Protection and relocation of witnesses" in by_recipient[state_focal_point.email].body
    assert "Identification" not in by_recipient[state_focal_point.email].body  # France's section


def test_reminders_none_when_everything_is_fresh(knowledge_data, state_focal_point):
    StateProfile.objects.update(last_verified_on=timezone.localdate())

    assert services.profile_reminders_send(now=timezone.now(), dry_run=False) == 0
    assert mail.outbox == []


def test_rich_text_is_sanitised(editor):
    practice = services.practice_create(
        by=editor,
        title="Rich",
        body='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">a</a>'
        '<img src=x onerror="alert(1)"> <a href="https://icc-cpi.int">ok</a></p>',
    )

    assert "script" not in practice.body and "onerror" not in practice.body and "onclick" not in practice.body
    assert "javascript:" not in practice.body and "<img" not in practice.body
    assert 'href="https://icc-cpi.int"' in practice.body


def test_translation_markers(editor):
    practice = services.practice_create(by=editor, title="Only English", summary="Text")

    with translation.override("fr"):
        assert practice.translation_marker == "missing"
    with translation.override("en"):
        assert practice.translation_marker == ""
    services.practice_update(practice=practice, by=editor, title_fr="Seulement", summary_fr="Texte")
    practice.refresh_from_db()
    services.practice_update(practice=practice, by=editor, summary="Text, revised")
    practice.refresh_from_db()
    with translation.override("fr"):
        assert practice.translation_marker == "outdated"
    with translation.override("en"):
        assert practice.translation_marker == ""


def test_document_upload_extracts_and_indexes_text(editor, settings):
    pdf = services.document_upload(
        by=editor, title="Guide", upload=SimpleUploadedFile("g.pdf", make_pdf("wombat relocation guide"))
    )
    docx = services.document_upload(
        by=editor, title="Memo", upload=SimpleUploadedFile("m.docx", make_docx("numbat memo"))
    )

    assert "wombat relocation guide" in pdf.text_content and pdf.file_type == "pdf"
    assert "numbat memo" in docx.text_content and docx.file_type == "docx"
    assert str(settings.MEDIA_ROOT) in pdf.file.path and "g.pdf" not in pdf.file.name
    assert SearchEntry.objects.filter(kind="document", body__contains="wombat").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.pdf", b"%PDF-" + b"0" * 2000, "too large"),
        ("a.pdf", "ENCRYPTED", "encrypted"),
        ("a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "encrypted"),
        ("a.pdf", "DOCX", "content is DOCX"),
        ("a.docx", "PDF", "content is PDF"),
        ("a.pdf", b"<html><script>alert(1)</script></html>", "neither a PDF nor a DOCX"),
        ("a.pdf", b"%PDF-1.4 broken", "could not be read"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(editor, settings, name, content, message):
    settings.UPLOAD_MAX_BYTES = 1000 if message == "too large" else 10_000_000
    content = {"ENCRYPTED": make_encrypted_pdf("x"), "DOCX": make_docx("x"), "PDF": make_pdf("x")}.get(
        content, content
    )

    with pytest.raises(ServiceError, match=message):
        services.document_upload(by=editor, title="Bad", upload=SimpleUploadedFile(name, content))

    assert Document.objects.count() == 0
    media = settings.MEDIA_ROOT / "knowledge" / "documents"
    assert not media.exists() or not any(media.iterdir())


def test_profile_unique_per_state_and_measure(knowledge_data, orgs, editor):
    with pytest.raises(ServiceError):
        services.profile_create(state=orgs["SEN"], measure=Measure.WITNESS_PROTECTION, by=editor)


def test_demo_loader_is_idempotent(db):
    from coopreview.core.demo import demo_load
    from coopreview.knowledge.models import CaseLaw, Practice

    demo_load()
    counts = (StateProfile.objects.count(), Practice.objects.count(), CaseLaw.objects.count())
    demo_load()

    assert counts == (StateProfile.objects.count(), Practice.objects.count(), CaseLaw.objects.count())
    assert counts[0] >= 4 and all(p.is_sample for p in StateProfile.objects.all())
    assert StateProfile.objects.filter(state__code="SEN", measure=Measure.WITNESS_PROTECTION).exists()


def test_remind_profiles_command(knowledge_data, state_focal_point, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.KNOWLEDGE_FRESHNESS_DAYS = 1  # the Senegal section was verified 10 days ago
    out = StringIO()

    call_command("remind_profiles", "--dry-run", stdout=out)
    assert "1 profile reminder(s) would be sent." in out.getvalue() and mail.outbox == []
    call_command("remind_profiles", stdout=out)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [state_focal_point.email]


def test_remind_command_also_reminds_state_focal_points_of_stale_profiles(
    knowledge_data, state_focal_point, settings
):
    from io import StringIO

    from django.core.management import call_command

    settings.KNOWLEDGE_FRESHNESS_DAYS = 1  # the Senegal section was verified 10 days ago
    out = StringIO()

    call_command("remind", stdout=out)

    assert "1 profile reminder(s) sent." in out.getvalue()
    assert [m.to for m in mail.outbox if "profile" in m.subject.lower()] == [[state_focal_point.email]]


def test_attachments_are_narrowed_with_their_practice_never_widened(editor, orgs):
    practice = services.practice_create(by=editor, title="Relocation")

    def attach(name: str, **access) -> Document:
        upload = SimpleUploadedFile(f"{name}.pdf", make_pdf(name))
        return services.document_upload(by=editor, title=name, practice=practice, upload=upload, **access)

    public = attach("public")
    annex = attach("annex", visibility=Visibility.RESTRICTED, restricted_to=[orgs["OTP"], orgs["SEN"]])
    narrow = attach("narrow", visibility=Visibility.RESTRICTED, restricted_to=[orgs["OTP"]])

    services.practice_update(
        practice=practice,
        by=editor,
        reason="Confidential now",
        visibility=Visibility.RESTRICTED,
        restricted_to=[orgs["OTP"], orgs["REGISTRY"]],
    )

    def access(document: Document) -> tuple[str, set[str]]:
        document.refresh_from_db()
        return document.visibility, {o.code for o in document.restricted_to.all()}

    assert access(public) == (Visibility.RESTRICTED, {"OTP", "REGISTRY"})
    assert access(annex) == (Visibility.RESTRICTED, {"OTP"})  # SEN dropped: never wider than the practice
    assert access(narrow) == (Visibility.RESTRICTED, {"OTP"})  # untouched
    assert public.history.order_by("-history_id").first().history_change_reason == "Confidential now"
    services.practice_update(practice=practice, by=editor, visibility=Visibility.PUBLIC, restricted_to=[])
    assert access(narrow) == (Visibility.RESTRICTED, {"OTP"})  # widening the practice widens nothing


def test_practice_update_refuses_a_stale_version(editor):
    practice = services.practice_create(by=editor, title="Relocation")
    opened = practice.updated_at
    services.practice_update(practice=practice, by=editor, summary="First")

    with pytest.raises(ConcurrentEditError) as caught:
        services.practice_update(practice=practice, by=editor, expected_updated_at=opened, summary="Second")

    newer = caught.value.changes  # only what was saved after the version the editor opened
    assert [e.kind for e in newer] == ["changed"] and "First" in [c.new for c in newer[0].changes]
    practice.refresh_from_db()
    assert practice.summary == "First"


def test_document_delete_removes_the_file_after_commit(editor, django_capture_on_commit_callbacks):
    document = services.document_upload(
        by=editor, title="Guide", upload=SimpleUploadedFile("g.pdf", make_pdf("guide"))
    )
    path = Path(document.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document, by=editor, reason="Superseded")

    assert not Document.objects.exists() and not path.exists()
    assert Document.history.get(history_type="-").history_change_reason == "Superseded"
