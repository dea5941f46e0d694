from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coopreview.core.exceptions import ConcurrentEditError
from coopreview.followup import selectors, services
from coopreview.followup.enums import Assessment, Category, Status, UpdateState
from coopreview.followup.models import Action, Attachment, FollowupPart, ProgressUpdate, Transition


def _categorise(rec, editor, category=Category.BOTH, approve=False):
    cat = services.categorisation_propose(recommendation=rec, category=category, by=editor, rationale="RM")
    if approve:
        cat = services.categorisation_approve(
            categorisation=cat,
            by=editor,
            approved_by="Bureau",
            approved_on=date(2021, 6, 28),
            approved_in="9th meeting",
        )
    return cat


def test_propose_creates_one_part_per_side(recs, editor, orgs):
    _categorise(recs["both"], editor)

    parts = FollowupPart.objects.filter(recommendation=recs["both"]).order_by("side")

    assert [(p.side, p.addressee.code, p.status) for p in parts] == [
        ("assembly", "ASP", Status.PROPOSED),
        ("court", "ICC", Status.PROPOSED),
    ]


def test_propose_uses_named_organ(recs, editor):
    _categorise(recs["otp"], editor, Category.COURT)

    assert list(
        FollowupPart.objects.filter(recommendation=recs["otp"]).values_list("addressee__code", flat=True)
    ) == ["OTP"]


def test_approve_records_who_when_and_categorises_parts(recs, editor):
    cat = _categorise(recs["both"], editor, approve=True)

    assert (cat.approved, cat.approved_by, cat.approved_in) == (True, "Bureau", "9th meeting")
    assert set(FollowupPart.objects.values_list("status", flat=True)) == {Status.CATEGORISED}
    assert Transition.objects.filter(to_status=Status.CATEGORISED, by=editor).count() == 2


def test_categorise_refused_to_facilitator_and_outsider(recs, facilitator, outsider):
    for user in (facilitator, outsider):
        with pytest.raises(services.WrongSide):
            _categorise(recs["both"], user)
    assert not FollowupPart.objects.exists()


def test_approval_in_the_future_refused(recs, editor):
    cat = _categorise(recs["both"], editor)

    with pytest.raises(services.FollowupError, match="future"):
        services.categorisation_approve(
            categorisation=cat,
            by=editor,
            approved_by="Bureau",
            approved_on=timezone.localdate() + timedelta(days=2),
        )
    cat.refresh_from_db()
    assert not cat.approved


def test_court_focal_point_edits_court_part_not_assembly_part(recs, editor, court_focal_point):
    _categorise(recs["both"], editor, approve=True)
    court = FollowupPart.objects.get(recommendation=recs["both"], side="court")
    assembly = FollowupPart.objects.get(recommendation=recs["both"], side="assembly")

    services.part_update(
        part=court, by=court_focal_point, assessment=Assessment.POSITIVE, narrative="OTP agrees"
    )
    with pytest.raises(services.WrongSide, match="Assembly"):
        services.part_update(part=assembly, by=court_focal_point, narrative="court writes here")

    court.refresh_from_db()
    assembly.refresh_from_db()
    assert (court.assessment, court.narrative) == (Assessment.POSITIVE, "OTP agrees")
    assert assembly.narrative == ""


@pytest.mark.parametrize("persona", ["facilitator", "editor", "state_focal_point", "outsider", "observer"])
def test_court_part_refused_to_assembly_side_and_others(request, recs, editor, persona):
    _categorise(recs["both"], editor, approve=True)
    court = FollowupPart.objects.get(recommendation=recs["both"], side="court")
    user = request.getfixturevalue(persona)

    with pytest.raises(services.WrongSide):
        services.part_update(part=court, by=user, narrative="not mine")
    with pytest.raises(services.WrongSide):
        services.part_transition(part=court, by=user, status=Status.NOT_PURSUED)

    court.refresh_from_db()
    assert (court.narrative, court.status) == ("", Status.CATEGORISED)


def test_facilitator_edits_assembly_part(recs, editor, facilitator):
    _categorise(recs["both"], editor, approve=True)
    assembly = FollowupPart.objects.get(recommendation=recs["both"], side="assembly")

    services.part_update(part=assembly, by=facilitator, assessment=Assessment.FURTHER_CONSIDERATION)
    services.part_transition(part=assembly, by=facilitator, status=Status.ASSESSED, reason="facilitation met")

    assembly.refresh_from_db()
    assert assembly.status == Status.ASSESSED
    t = Transition.objects.get(part=assembly, to_status=Status.ASSESSED)
    assert (t.by, t.reason, t.from_status) == (facilitator, "facilitation met", Status.CATEGORISED)


def test_registry_part_refused_to_otp_focal_point(recs, editor, court_focal_point, registry_focal_point):
    _categorise(recs["registry"], editor, Category.COURT)
    part = FollowupPart.objects.get(recommendation=recs["registry"])

    with pytest.raises(services.WrongSide):
        services.part_update(part=part, by=court_focal_point, narrative="OTP")
    services.part_update(part=part, by=registry_focal_point, narrative="Registry")

    part.refresh_from_db()
    assert part.narrative == "Registry"


def test_disallowed_transition_lists_allowed(recs, editor, court_focal_point):
    _categorise(recs["otp"], editor, Category.COURT)
    part = FollowupPart.objects.get(recommendation=recs["otp"])

    with pytest.raises(services.TransitionNotAllowed) as exc:
        services.part_transition(part=part, by=court_focal_point, status=Status.IMPLEMENTED)

    assert "Categorised" in str(exc.value) and "Not to be pursued" in str(exc.value)
    part.refresh_from_db()
    assert part.status == Status.PROPOSED
    assert not Transition.objects.exists()


def test_assessed_requires_assessment(recs, editor, court_focal_point):
    _categorise(recs["otp"], editor, Category.COURT, approve=True)
    part = FollowupPart.objects.get(recommendation=recs["otp"])

    with pytest.raises(services.FollowupError, match="Assessment"):
        services.part_transition(part=part, by=court_focal_point, status=Status.ASSESSED)


def test_reopen_after_not_pursued(recs, editor, court_focal_point):
    _categorise(recs["otp"], editor, Category.COURT, approve=True)
    part = FollowupPart.objects.get(recommendation=recs["otp"])
    services.part_transition(part=part, by=court_focal_point, status=Status.NOT_PURSUED)
    services.part_update(part=part, by=court_focal_point, assessment=Assessment.FURTHER_CONSIDERATION)

    services.part_transition(part=part, by=court_focal_point, status=Status.ASSESSED, reason="reopened")

    assert list(
        Transition.objects.filter(part=part).order_by("at", "id").values_list("to_status", flat=True)
    ) == [Status.CATEGORISED, Status.NOT_PURSUED, Status.ASSESSED]


def test_overall_status_is_least_advanced():
    assert selectors.overall_status([Status.IMPLEMENTED, Status.ASSESSED]) == Status.ASSESSED
    assert selectors.overall_status([Status.NOT_PURSUED, Status.IN_PROGRESS]) == Status.IN_PROGRESS
    assert selectors.overall_status([Status.NOT_PURSUED]) == Status.NOT_PURSUED
    assert selectors.overall_status([]) is None


def test_concurrent_part_edit_refused_with_changes(recs, editor, court_focal_point):
    _categorise(recs["otp"], editor, Category.COURT)
    part = FollowupPart.objects.get(recommendation=recs["otp"])
    opened_at = part.updated_at
    services.part_update(part=part, by=court_focal_point, narrative="first", expected_updated_at=opened_at)

    with pytest.raises(ConcurrentEditError) as exc:
        services.part_update(
            part=part, by=court_focal_point, narrative="second", expected_updated_at=opened_at
        )

    part.refresh_from_db()
    assert part.narrative == "first"
    assert any(c.new == "first" for e in exc.value.changes for c in e.changes)


def test_stakeholder_view_and_disagreement_filter(recs, editor, facilitator, orgs, fac_flag, outsider):
    _categorise(recs["otp"], editor, Category.COURT)
    _categorise(recs["both"], editor, Category.BOTH)
    services.stakeholder_view_record(
        recommendation=recs["otp"],
        organisation=orgs["FAC-COOP"],
        by=facilitator,
        category=Category.BOTH,
        position="To be discussed in the facilitation",
        priority_flag=fac_flag,
    )
    services.stakeholder_view_record(
        recommendation=recs["both"],
        organisation=orgs["FAC-COOP"],
        by=facilitator,
        category=Category.BOTH,
        position="Agreed",
    )

    disagree = selectors.recommendations_where_disagree(user=outsider)

    assert list(disagree) == [recs["otp"]]


def test_view_only_for_own_organisation(recs, facilitator, orgs):
    with pytest.raises(services.WrongSide):
        services.stakeholder_view_record(
            recommendation=recs["otp"], organisation=orgs["OTP"], by=facilitator, position="x"
        )


def test_view_needs_position(recs, facilitator, orgs):
    with pytest.raises(services.FollowupError, match="Position"):
        services.stakeholder_view_record(
            recommendation=recs["otp"], organisation=orgs["FAC-COOP"], by=facilitator, position=" "
        )


def test_action_due_before_start_refused(recs, court_focal_point, orgs):
    with pytest.raises(services.FollowupError, match="Due date"):
        services.action_create(
            by=court_focal_point,
            title="x",
            lead=orgs["OTP"],
            recommendations=[recs["otp"]],
            start=date(2026, 5, 1),
            due=date(2026, 4, 1),
        )
    assert not Action.objects.exists()


def test_action_lead_side_only(recs, facilitator, orgs):
    with pytest.raises(services.WrongSide):
        services.action_create(by=facilitator, title="x", lead=orgs["OTP"], recommendations=[recs["otp"]])


def _action(recs, court_focal_point, orgs, editor):
    _categorise(recs["otp"], editor, Category.COURT, approve=True)
    part = FollowupPart.objects.get(recommendation=recs["otp"])
    services.part_update(part=part, by=court_focal_point, assessment=Assessment.POSITIVE)
    services.part_transition(part=part, by=court_focal_point, status=Status.ASSESSED)
    return services.action_create(
        by=court_focal_point,
        title="Guidelines on evidence",
        lead=orgs["OTP"],
        recommendations=[recs["otp"], recs["both"]],
        start=date(2026, 1, 1),
        due=date(2026, 12, 31),
    )


def test_progress_update_validation_and_rollup(recs, court_focal_point, orgs, editor, outsider):
    action = _action(recs, court_focal_point, orgs, editor)
    part = FollowupPart.objects.get(recommendation=recs["otp"])
    assert part.status == Status.ACTION_PLANNED

    update = services.progress_update_create(
        action=action, by=court_focal_point, text="Draft circulated", progress=40
    )

    assert list(selectors.updates_visible_to(user=outsider)) == []
    assert list(selectors.updates_visible_to(user=court_focal_point)) == [update]
    assert Action.objects.get().progress == 0

    services.progress_update_validate(update=update, by=editor)

    assert list(selectors.updates_visible_to(user=outsider)) == [update]
    assert Action.objects.get().progress == 40
    part.refresh_from_db()
    assert part.status == Status.IN_PROGRESS
    rollup = selectors.progress_rollup(user=outsider)
    assert rollup["recommendations"][recs["otp"].pk] == 40
    assert rollup["recommendations"][recs["assembly"].pk] == 0
    assert recs["hidden"].pk not in rollup["recommendations"]
    # otp 40, both 40, registry 0, assembly 0 → 20
    assert [(r.count, r.progress) for r in rollup["sources"]] == [(4, 20)]


def test_update_needs_text_and_validation_by_editor(recs, court_focal_point, orgs, editor, facilitator):
    action = _action(recs, court_focal_point, orgs, editor)

    with pytest.raises(services.FollowupError, match="Text"):
        services.progress_update_create(action=action, by=court_focal_point, text="  ")
    update = services.progress_update_create(action=action, by=court_focal_point, text="ok")
    with pytest.raises(services.WrongSide):
        services.progress_update_validate(update=update, by=facilitator)
    with pytest.raises(services.WrongSide):
        services.progress_update_validate(update=update, by=court_focal_point)

    assert ProgressUpdate.objects.get().state == UpdateState.PENDING


def test_attachment_type_and_size_limits(recs, court_focal_point, orgs, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    action = _action(recs, court_focal_point, orgs, editor)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    big = SimpleUploadedFile(
        "big.pdf", b"0" * (services.MAX_ATTACHMENT_BYTES + 1), content_type="application/pdf"
    )
    good = SimpleUploadedFile("../../report.pdf", b"%PDF-1.4", content_type="application/pdf")

    with pytest.raises(services.FollowupError, match="not accepted"):
        services.progress_update_create(
            action=action, by=court_focal_point, text="x", attachments=[(bad, "report")]
        )
    with pytest.raises(services.FollowupError, match="limit"):
        services.progress_update_create(
            action=action, by=court_focal_point, text="x", attachments=[(big, "report")]
        )
    assert not ProgressUpdate.objects.exists()
    services.progress_update_create(
        action=action, by=court_focal_point, text="x", attachments=[(good, "report")]
    )

    att = Attachment.objects.get()
    assert att.original_name == "report.pdf" or att.original_name.endswith("report.pdf")
    assert att.file.name.startswith("followup/") and ".." not in att.file.name
    assert (tmp_path / att.file.name).read_bytes() == b"%PDF-1.4"


def test_actions_hide_restricted_recommendations(recs, court_focal_point, orgs, editor, outsider):
    action = services.action_create(
        by=court_focal_point, title="Secret", lead=orgs["OTP"], recommendations=[recs["hidden"]]
    )

    assert list(selectors.actions_visible_to(user=outsider)) == []
    assert list(selectors.actions_visible_to(user=court_focal_point)) == [action]


def test_parts_as_of_and_changes_between(recs, editor, court_focal_point, outsider):
    _categorise(recs["otp"], editor, Category.COURT, approve=True)
    _categorise(recs["hidden"], editor, Category.COURT)
    part = FollowupPart.objects.get(recommendation=recs["otp"])
    past = timezone.now()
    later = past + timedelta(days=3)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        services.part_update(part=part, by=court_focal_point, assessment=Assessment.POSITIVE)
        services.part_transition(part=part, by=court_focal_point, status=Status.ASSESSED)

    before = selectors.parts_as_of(user=outsider, when=past)
    after = selectors.parts_as_of(user=outsider, when=later)
    day = timezone.localdate(later)  # the day as the list reads it (TIME_ZONE), not UTC's
    changes = selectors.changes_between(user=outsider, start=day, end=day)

    assert [(s.recommendation_id, s.status) for s in before] == [(recs["otp"].pk, Status.CATEGORISED)]
    assert [(s.recommendation_id, s.status) for s in after] == [(recs["otp"].pk, Status.ASSESSED)]
    assert [c.what for c in changes] == ["follow-up part", "follow-up part"]
    assert ("status", "Categorised", "Assessed") in [tuple(x) for c in changes for x in c.changes]
    assert all("wombat" not in c.label and c.recommendation_ids == [recs["otp"].pk] for c in changes)
    counts = selectors.status_counts_as_of(user=outsider, when=past)
    assert counts[Status.CATEGORISED] == 1 and sum(counts.values()) == 1


def test_recategorising_closes_untouched_parts_of_the_side_left_out(recs, editor):
    _categorise(recs["both"], editor, Category.BOTH, approve=True)

    services.categorisation_propose(recommendation=recs["both"], category=Category.COURT, by=editor)

    statuses = dict(FollowupPart.objects.filter(recommendation=recs["both"]).values_list("side", "status"))
    assert statuses == {"court": Status.CATEGORISED, "assembly": Status.NOT_PURSUED}
    assert selectors.overall_status(statuses.values()) == Status.CATEGORISED
    assert not recs["both"].categorisation.approved  # a changed categorisation must be approved again


def test_part_lead_must_be_on_the_part_side(recs, editor, court_focal_point, orgs):
    _categorise(recs["otp"], editor, Category.COURT)
    part = FollowupPart.objects.get(recommendation=recs["otp"])

    with pytest.raises(services.FollowupError, match="Lead"):
        services.part_update(part=part, by=court_focal_point, lead=orgs["FAC-COOP"])
    services.part_update(part=part, by=court_focal_point, lead=orgs["OTP"])


def test_changes_name_related_records(recs, facilitator, orgs, fac_flag, outsider):
    services.stakeholder_view_record(
        recommendation=recs["otp"],
        organisation=orgs["FAC-COOP"],
        by=facilitator,
        position="p",
        priority_flag=fac_flag,
    )

    changes = selectors.changes_between(user=outsider, start=timezone.localdate(), end=timezone.localdate())

    assert ("own priority flag", "—", "Facilitation priority") in [
        tuple(c) for ch in changes for c in ch.changes
    ]


def test_concurrent_categorisation_refused(recs, editor, admin_user):
    cat = _categorise(recs["both"], editor, Category.BOTH)
    opened_at = cat.updated_at
    services.categorisation_propose(
        recommendation=recs["both"], category=Category.COURT, by=editor, expected_updated_at=opened_at
    )

    with pytest.raises(ConcurrentEditError):
        services.categorisation_propose(
            recommendation=recs["both"],
            category=Category.ASSEMBLY,
            by=admin_user,
            expected_updated_at=opened_at,
        )

    cat.refresh_from_db()
    assert cat.category == Category.COURT
