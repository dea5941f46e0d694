"""The services that emit events: follow-up status moves, progress validation, meeting decisions."""

from datetime import date

from coopreview.followup import services as followup
from coopreview.followup.enums import Assessment, Category, Status
from coopreview.followup.models import FollowupPart
from coopreview.meetings import decisions
from coopreview.meetings import services as meetings
from coopreview.meetings.enums import ChangeKind
from coopreview.webhooks import services
from coopreview.webhooks.enums import WebhookEvent


def _subscribe(admin_user, receiver, *events):
    return services.endpoint_create(by=admin_user, url=receiver.url, events=list(events))


def _approved_court_part(rec, editor):
    cat = followup.categorisation_propose(
        recommendation=rec, category=Category.COURT, by=editor, rationale="RM"
    )
    followup.categorisation_approve(categorisation=cat, by=editor, approved_by="Bureau",
                                    approved_on=date(2021, 6, 28), approved_in="9th meeting")  # fmt: skip
    return FollowupPart.objects.get(recommendation=rec)


def test_status_move_is_announced(admin_user, editor, court_focal_point, recs, receiver,
                                  django_capture_on_commit_callbacks):  # fmt: skip
    part = _approved_court_part(recs["otp"], editor)
    _subscribe(admin_user, receiver, WebhookEvent.STATUS_CHANGED)
    followup.part_update(part=part, by=court_focal_point, assessment=Assessment.POSITIVE)

    with django_capture_on_commit_callbacks(execute=True):
        followup.part_transition(part=part, by=court_focal_point, status=Status.ASSESSED, reason="met")

    (body,) = receiver.bodies()
    assert body["event"] == "followup.status_changed"
    assert body["data"]["part"] == {"id": part.pk, "side": "court", "addressee": "OTP",
                                    "from_status": "categorised", "to_status": "assessed"}  # fmt: skip
    assert body["data"]["recommendation"]["reference"] == "272"


def test_progress_validation_is_announced_without_its_text(
    admin_user, editor, court_focal_point, orgs, recs, receiver, django_capture_on_commit_callbacks
):
    part = _approved_court_part(recs["otp"], editor)
    followup.part_update(part=part, by=court_focal_point, assessment=Assessment.POSITIVE)
    followup.part_transition(part=part, by=court_focal_point, status=Status.ASSESSED)
    action = followup.action_create(by=court_focal_point, title="Guidelines", lead=orgs["OTP"],
                                    recommendations=[recs["otp"]])  # fmt: skip
    update = followup.progress_update_create(
        action=action, by=court_focal_point, text="Secret draft", progress=40
    )
    _subscribe(admin_user, receiver, WebhookEvent.PROGRESS_VALIDATED, WebhookEvent.STATUS_CHANGED)

    with django_capture_on_commit_callbacks(execute=True):
        followup.progress_update_validate(update=update, by=editor)

    events = [b["event"] for b in receiver.bodies()]
    assert events == ["followup.status_changed", "progress_update.validated"]  # action planned → in progress
    validated = receiver.bodies()[1]["data"]
    assert (
        validated["progress_update"]["state"] == "published"
        and validated["progress_update"]["progress"] == 40
    )
    assert validated["action"]["id"] == action.pk
    assert b"Secret draft" not in b"".join(r["body"] for r in receiver.received)


def test_applied_meeting_decisions_are_announced(
    admin_user, editor, meeting, flag, leak_data, receiver, django_capture_on_commit_callbacks
):
    held = meetings.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    item = held.agenda_items.get(title="Cooperation agreements")
    change = {"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag}
    decisions.decision_record(item=item, by=editor, text="Make it a priority.", changes=[change])
    _subscribe(admin_user, receiver, WebhookEvent.DECISIONS_APPLIED)

    with django_capture_on_commit_callbacks(execute=True):
        decisions.minutes_approve(meeting=held, by=editor)

    (body,) = receiver.bodies()
    assert body["event"] == "meeting.decisions_applied"
    assert body["data"]["meeting"]["id"] == held.pk
    (change,) = body["data"]["changes"]
    assert change["kind"] == ChangeKind.ADD_PRIORITY_FLAG
    assert change["recommendation"]["id"] == leak_data["public"].pk
    assert change["target"] == {"type": "recommendations.recommendation", "id": leak_data["public"].pk}
