"""Decisions carry follow-up changes; approving the minutes applies them with their authors' permissions."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from coopreview.accounts.models import Membership
from coopreview.core.exceptions import ServiceError
from coopreview.core.testing import assert_valid_html, client_for
from coopreview.followup import services as followup
from coopreview.followup.enums import Category, Status
from coopreview.followup.models import Action, FollowupPart, StakeholderView, Transition
from coopreview.meetings import decisions, services
from coopreview.meetings.enums import ChangeKind
from coopreview.meetings.models import Decision, DecisionChange, Meeting
from coopreview.meetings.services import MeetingPermissionDenied


@pytest.fixture
def held(meeting, editor) -> Meeting:
    return services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)


def _item(meeting, title="Cooperation agreements"):
    return meeting.agenda_items.get(title=title)


def test_flag_change_applies_on_approval_and_links_back(held, editor, flag, leak_data):
    rec = leak_data["public"]
    decisions.decision_record(
        item=_item(held),
        by=editor,
        text="Make it a facilitation priority.",
        changes=[{"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag}],
    )
    assert not rec.priority_flags.exists()  # nothing happens before approval

    applied = decisions.minutes_approve(meeting=held, by=editor)

    assert [f.name for f in rec.priority_flags.all()] == ["Facilitation priority"]
    record = rec.history.order_by("-history_date").first()
    assert held.title in record.history_change_reason and record.history_user == editor
    (change,) = applied
    change.refresh_from_db()
    assert change.applied_at is not None and change.target_id == rec.pk
    assert change.target_type.model == "recommendation"
    assert Meeting.objects.get(pk=held.pk).minutes_approved


def test_flag_change_by_a_facilitator_is_refused_and_nothing_saved(held, facilitator, flag):
    with pytest.raises(MeetingPermissionDenied) as exc:
        decisions.decision_record(
            item=_item(held),
            by=facilitator,
            text="Flag it.",
            changes=[{"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag}],
        )

    assert "facilitator may not set or clear “Facilitation priority”" in str(exc.value)
    assert Decision.objects.count() == 0 and DecisionChange.objects.count() == 0


def test_refused_decision_in_the_browser_form_is_a_403_with_the_reason(held, facilitator, flag):
    item = _item(held)

    response = client_for(facilitator).post(
        f"/meetings/items/{item.pk}/decisions/new/",
        {"text": "Flag it.", "kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag.pk},
    )

    assert response.status_code == 403
    assert "may not set or clear" in response.content.decode()
    assert_valid_html(response.content)
    assert Decision.objects.count() == 0


def test_action_and_stakeholder_view_go_through_the_followup_services(
    held, facilitator, editor, orgs, leak_data
):
    rec = leak_data["public"]
    decisions.decision_record(
        item=_item(held),
        by=facilitator,
        text="Plan a workshop and record our view.",
        changes=[
            {"kind": ChangeKind.CREATE_ACTION, "organisation": orgs["FAC-COOP"], "text": "Workshop on RFAs"},
            {"kind": ChangeKind.RECORD_VIEW, "organisation": orgs["FAC-COOP"], "text": "To be discussed"},
        ],
    )

    decisions.minutes_approve(meeting=held, by=editor)

    action = Action.objects.get(title="Workshop on RFAs")
    assert list(action.recommendations.all()) == [rec] and action.lead == orgs["FAC-COOP"]
    assert held.title in action.description and action.history.first().history_user == facilitator
    view = StakeholderView.objects.get(recommendation=rec, organisation=orgs["FAC-COOP"])
    assert view.position == "To be discussed" and held.title in view.rationale
    targets = set(DecisionChange.objects.values_list("target_type__model", "target_id"))
    assert targets == {("action", action.pk), ("stakeholderview", view.pk)}


def test_status_move_uses_the_workflow_and_names_the_meeting(held, editor, orgs, leak_data):
    rec = leak_data["public"]
    rec.addressees.set([orgs["ASP"]])
    (part,) = followup.parts_ensure(recommendation=rec, category=Category.ASSEMBLY)
    decisions.decision_record(
        item=_item(held),
        by=editor,
        text="Categorised.",
        changes=[{"kind": ChangeKind.MOVE_STATUS, "organisation": orgs["ASP"], "status": Status.CATEGORISED}],
    )

    decisions.minutes_approve(meeting=held, by=editor)

    part.refresh_from_db()
    assert part.status == Status.CATEGORISED
    assert held.title in Transition.objects.get(part=part).reason


def test_assembly_side_may_not_move_a_court_part(held, editor, orgs, leak_data):
    (part,) = followup.parts_ensure(recommendation=leak_data["public"], category=Category.COURT)

    with pytest.raises(MeetingPermissionDenied) as exc:
        decisions.decision_record(
            item=_item(held),
            by=editor,
            text="Move the Court's part.",
            changes=[
                {"kind": ChangeKind.MOVE_STATUS, "organisation": part.addressee, "status": Status.CATEGORISED}
            ],
        )

    assert "International Criminal Court" in str(exc.value)
    assert Decision.objects.count() == 0


def test_a_change_on_a_recommendation_without_a_part_is_refused(held, editor, orgs):
    with pytest.raises(ValidationError) as exc:
        decisions.decision_record(
            item=_item(held),
            by=editor,
            text="Move.",
            changes=[
                {"kind": ChangeKind.MOVE_STATUS, "organisation": orgs["ASP"], "status": Status.CATEGORISED}
            ],
        )

    assert "categorise it first" in " ".join(exc.value.messages)


def test_approval_is_all_or_nothing(held, editor, facilitator, flag, orgs, leak_data):
    rec = leak_data["public"]
    decisions.decision_record(
        item=_item(held),
        by=editor,
        text="Flag it.",
        changes=[{"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag}],
    )
    decisions.decision_record(
        item=_item(held),
        by=facilitator,
        text="Our view.",
        changes=[{"kind": ChangeKind.RECORD_VIEW, "organisation": orgs["FAC-COOP"], "text": "Later"}],
    )
    Membership.objects.filter(user=facilitator).delete()  # the author lost their role before approval

    with pytest.raises(MeetingPermissionDenied) as exc:
        decisions.minutes_approve(meeting=held, by=editor)

    assert "Cooperation agreements" in str(exc.value) and "facilitator may not" in str(exc.value)
    assert not rec.priority_flags.exists()
    assert not StakeholderView.objects.exists()
    assert not DecisionChange.objects.filter(applied_at__isnull=False).exists()
    assert not Meeting.objects.get(pk=held.pk).minutes_approved


def test_a_transition_no_longer_allowed_rolls_back_everything(held, editor, flag, orgs, leak_data):
    rec = leak_data["public"]
    rec.addressees.set([orgs["ASP"]])
    (part,) = followup.parts_ensure(recommendation=rec, category=Category.ASSEMBLY)
    decisions.decision_record(
        item=_item(held),
        by=editor,
        text="Flag and categorise.",
        changes=[
            {"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag},
            {"kind": ChangeKind.MOVE_STATUS, "organisation": orgs["ASP"], "status": Status.IMPLEMENTED},
        ],
    )

    with pytest.raises(ServiceError) as exc:
        decisions.minutes_approve(meeting=held, by=editor)

    assert "cannot become" in str(exc.value)
    assert not rec.priority_flags.exists()
    assert FollowupPart.objects.get(pk=part.pk).status == Status.PROPOSED


def test_approve_view_refuses_with_a_message_and_a_4xx(held, editor, facilitator, flag, orgs):
    decisions.decision_record(
        item=_item(held),
        by=facilitator,
        text="Our view.",
        changes=[{"kind": ChangeKind.RECORD_VIEW, "organisation": orgs["FAC-COOP"], "text": "Later"}],
    )
    Membership.objects.filter(user=facilitator).delete()

    response = client_for(editor).post(f"/meetings/{held.pk}/approve/")

    assert response.status_code == 403
    body = response.content.decode()
    assert "Nothing was changed." in body and "may not record the view of" in body
    assert_valid_html(response.content)


@pytest.mark.parametrize("persona", ["observer", "state_focal_point"])
def test_participants_who_do_not_organise_cannot_approve_or_decide(request, held, persona):
    client = client_for(request.getfixturevalue(persona))
    item = _item(held)

    assert client.post(f"/meetings/{held.pk}/approve/").status_code == 403
    assert client.post(f"/meetings/items/{item.pk}/decisions/new/", {"text": "x"}).status_code == 403
    assert not Meeting.objects.get(pk=held.pk).minutes_approved and not Decision.objects.exists()


def test_outsider_cannot_even_find_the_meeting(held, outsider):
    client = client_for(outsider)

    assert client.post(f"/meetings/{held.pk}/approve/").status_code == 404
    assert client.get(f"/meetings/{held.pk}/").status_code == 404


def test_minutes_are_frozen_once_approved(held, editor):
    decisions.minutes_approve(meeting=held, by=editor)

    with pytest.raises(ServiceError):
        services.agenda_item_set_minutes(item=_item(held), by=editor, minutes="Late edit")
    with pytest.raises(ServiceError):
        decisions.decision_record(item=_item(held), by=editor, text="Late decision")
    with pytest.raises(ServiceError):
        decisions.minutes_approve(meeting=held, by=editor)


def test_recommendation_page_shows_meetings_and_decisions(held, editor, flag, leak_data, observer, outsider):
    decisions.decision_record(
        item=_item(held),
        by=editor,
        text="Make it a facilitation priority.",
        changes=[{"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag}],
    )
    decisions.minutes_approve(meeting=held, by=editor)
    url = f"/recommendations/{leak_data['public'].pk}/"

    page = client_for(observer).get(url).content.decode()
    stranger = client_for(outsider).get(url).content.decode()

    assert "Discussed in meetings" in page and escape(held.title) in page
    assert "Make it a facilitation priority." in page and "(applied)" in page
    assert_valid_html(page)
    assert "Discussed in meetings" not in stranger and escape(held.title) not in stranger


def test_history_reason_fits_the_history_column_even_for_long_titles(held, editor, flag, leak_data):
    Meeting.objects.filter(pk=held.pk).update(title="Informal consultations " * 12)
    held.refresh_from_db()
    decisions.decision_record(
        item=_item(held),
        by=editor,
        text="Flag it.",
        changes=[{"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag}],
    )

    decisions.minutes_approve(meeting=held, by=editor)

    reason = leak_data["public"].history.order_by("-history_date").first().history_change_reason
    assert len(reason) <= 100 and reason.startswith("Decided at the meeting “Informal consultations")
    assert "…”" in reason and "(decision " in reason


def test_meeting_history_shows_invitations_and_approval(held, editor):
    decisions.minutes_approve(meeting=held, by=editor)

    body = client_for(editor).get(f"/meetings/{held.pk}/").content.decode()

    history = body.split('id="history-title"')[1]
    assert "Minutes approved" in history and "minutes approved by" in history and "Meeting held" in history


def test_decision_form_offers_only_the_flags_the_author_may_set(held, editor, facilitator, flag, orgs):
    """The source's own flag (no owner) is the editors'; a facilitator is not offered it (and the server
    refuses it anyway, above). Each choice names the flag's owner."""
    from coopreview.recommendations.models import PriorityFlag

    own = PriorityFlag.objects.create(name="Own facilitation flag", owner=orgs["FAC-COOP"])
    url = f"/meetings/items/{_item(held).pk}/decisions/new/"

    def flag_select(user) -> str:
        page = client_for(user).get(url).content.decode()
        assert_valid_html(page.encode())
        return re.search(r'<select name="priority_flag".*?</select>', page, re.S).group(0)

    as_editor, as_facilitator = flag_select(editor), flag_select(facilitator)

    assert f'<option value="{flag.pk}">Facilitation priority — the source</option>' in as_editor
    assert f'value="{flag.pk}"' not in as_facilitator
    assert f'<option value="{own.pk}">Own facilitation flag — Facilitation on cooperation</option>' in (
        as_facilitator
    )
