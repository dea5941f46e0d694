"""Decisions and the approval of the minutes.

A decision may carry follow-up changes. They are checked when recorded (its author must be allowed to
make each change directly) and applied when the minutes are approved, through the recommendations and
follow-up services with the author's own permissions, in one transaction: all or nothing. Each applied
change keeps a link to what it changed, and the history reason names the meeting.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.core.exceptions import ServiceError
from coopreview.core.history import save_with_history
from coopreview.followup import services as followup
from coopreview.followup.enums import Status
from coopreview.followup.models import FollowupPart
from coopreview.meetings.enums import FLAG_KINDS, ChangeKind, MeetingStatus
from coopreview.meetings.models import AgendaItem, Decision, DecisionChange, Meeting
from coopreview.meetings.services import (
    MeetingPermissionDenied,
    meeting_locked,
    require_manager,
    require_minutes_open,
)
from coopreview.recommendations import services as rec_services
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import recommendations_visible_to
from coopreview.webhooks import payloads
from coopreview.webhooks.enums import WebhookEvent
from coopreview.webhooks.services import event_emit


def _refuse(author: User, what: str, rec: Recommendation) -> MeetingPermissionDenied:
    return MeetingPermissionDenied(
        _("%(user)s may not %(what)s on recommendation %(ref)s.")
        % {"user": author.get_username(), "what": what, "ref": rec}
    )


def _part(change: DecisionChange) -> FollowupPart:
    part = FollowupPart.objects.filter(
        recommendation=change.recommendation, addressee=change.organisation
    ).first()
    if part is None:
        raise ValidationError(
            {
                "organisation": _(
                    "Recommendation %(ref)s has no follow-up part for %(org)s (categorise it first)."
                )
                % {"ref": change.recommendation, "org": change.organisation}
            }
        )
    return part


def check_change_allowed(*, author: User, change: DecisionChange) -> None:
    """Refuse (MeetingPermissionDenied, ValidationError) a change `author` could not make directly."""
    rec = change.recommendation
    if not recommendations_visible_to(user=author).filter(pk=rec.pk).exists():
        raise MeetingPermissionDenied(
            _("%(user)s may not see recommendation %(ref)s.") % {"user": author.get_username(), "ref": rec}
        )
    if change.kind in FLAG_KINDS:
        if change.priority_flag is None:
            raise ValidationError({"priority_flag": _("Choose the priority flag to set or remove.")})
        if not author.has_perm("recommendations.set_flag", change.priority_flag):
            raise _refuse(
                author,
                _("set or clear “%(flag)s” (only members of %(owner)s may)")
                % {"flag": change.priority_flag.display_name, "owner": change.priority_flag.owner_name},
                rec,
            )
        return
    if change.organisation is None:
        raise ValidationError({"organisation": _("Choose the organisation this change concerns.")})
    if change.kind == ChangeKind.MOVE_STATUS:
        if change.status not in Status.values:
            raise ValidationError({"status": _("Choose the new status.")})
        if not author.has_perm("followup.change_part", _part(change)):
            raise _refuse(author, _("move the part of %(org)s") % {"org": change.organisation}, rec)
    elif change.kind == ChangeKind.CREATE_ACTION:
        if not change.text.strip():
            raise ValidationError({"text": _("Give the action a title.")})
        if not author.has_perm("followup.manage_action", change.organisation):
            raise _refuse(author, _("plan an action led by %(org)s") % {"org": change.organisation}, rec)
    elif change.kind == ChangeKind.RECORD_VIEW:
        if not change.text.strip():
            raise ValidationError({"text": _("State the organisation's position.")})
        if not author.has_perm("followup.record_view", change.organisation):
            raise _refuse(author, _("record the view of %(org)s") % {"org": change.organisation}, rec)
    else:
        raise ValidationError({"kind": _("Unknown kind of follow-up change.")})


def _target(chosen: Recommendation | None, linked: list[Recommendation]) -> Recommendation:
    """The recommendation a follow-up change acts on: one of the item's; chosen when it has several."""
    if not linked:
        raise ValidationError(
            {"kind": _("A follow-up change needs a recommendation: link the agenda item to one.")}
        )
    if chosen is None:
        if len(linked) > 1:
            raise ValidationError(
                {
                    "recommendation": _(
                        "This item has several recommendations: choose the one the change acts on."
                    )
                }
            )
        return linked[0]
    if chosen not in linked:
        raise ValidationError(
            {
                "recommendation": _("Recommendation number %(id)s is not one of this agenda item's.")
                % {"id": chosen.pk}
            }
        )
    return chosen


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    by: User,
    text: str,
    changes: Iterable[dict[str, Any]] = (),
) -> Decision:
    """Record a decision on an agenda item with the follow-up changes it carries (applied on approval).
    Each change must be one `by` may make directly; otherwise nothing is saved."""
    require_manager(by)
    item.meeting = meeting_locked(item.meeting_id)
    require_minutes_open(item.meeting)
    if item.meeting.status != MeetingStatus.HELD:
        raise ServiceError(_("Decisions are recorded once the meeting is marked as held."))
    decision = Decision(item=item, text=text, author=by)
    decision.full_clean()
    save_with_history(decision, by=by)
    linked = list(item.recommendations.order_by("pk"))
    for data in changes:
        change = DecisionChange(
            decision=decision,
            kind=data["kind"],
            recommendation=_target(data.get("recommendation"), linked),
            priority_flag=data.get("priority_flag"),
            organisation=data.get("organisation"),
            status=data.get("status") or "",
            text=(data.get("text") or "").strip(),
            due=data.get("due"),
        )
        check_change_allowed(author=by, change=change)
        change.full_clean()
        save_with_history(change, by=by)
    return decision


REASON_MAX = 100  # simple-history's history_change_reason is a varchar(100)


def meeting_reason(meeting: Meeting, decision: Decision) -> str:
    """The history reason on whatever a decision changed: names the meeting, its date and the decision."""

    def reason(title: str) -> str:
        return _("Decided at the meeting “%(title)s” of %(date)s (decision %(id)s)") % {
            "title": title,
            "date": meeting.local_start.date().isoformat(),
            "id": decision.pk,
        }

    title = meeting.title
    while len(reason(title)) > REASON_MAX and len(title) > 1:
        title = title[: len(title) - max(1, len(reason(title)) - REASON_MAX) - 1].rstrip() + "…"
    return reason(title)[:REASON_MAX]


def _apply(change: DecisionChange, *, meeting: Meeting) -> models.Model:
    """Apply one change through the owning app's service, as its author. Returns what it changed."""
    decision = change.decision
    author = decision.author
    reason = meeting_reason(meeting, decision)
    check_change_allowed(author=author, change=change)
    rec = Recommendation.objects.get(pk=change.recommendation_id)
    if change.kind in FLAG_KINDS:
        return rec_services.recommendation_set_flag(
            recommendation=rec,
            flag=change.priority_flag,
            on=change.kind == ChangeKind.ADD_PRIORITY_FLAG,
            by=author,
            reason=reason,
        )
    if change.kind == ChangeKind.MOVE_STATUS:
        return followup.part_transition(part=_part(change), status=change.status, by=author, reason=reason)
    if change.kind == ChangeKind.CREATE_ACTION:
        return followup.action_create(
            by=author,
            title=change.text,
            lead=change.organisation,
            recommendations=[rec],
            description=reason,
            due=change.due,
        )
    return followup.stakeholder_view_record(
        recommendation=rec,
        organisation=change.organisation,
        by=author,
        position=change.text,
        rationale=reason,
    )


@transaction.atomic
def minutes_approve(*, meeting: Meeting, by: User) -> list[DecisionChange]:
    """Approve the minutes of a held meeting and apply every follow-up change its decisions carry,
    through the same services and permissions as a direct edit. All or nothing: the first refusal
    rolls everything back and says which decision could not be applied and why."""
    if not by.has_perm("meetings.approve_minutes", meeting):
        raise MeetingPermissionDenied(
            _("Only Review Mechanism editors and facilitators may approve minutes.")
        )
    meeting = meeting_locked(meeting.pk)
    if meeting.status != MeetingStatus.HELD:
        raise ServiceError(_("Only the minutes of a held meeting can be approved."))
    require_minutes_open(meeting)
    changes = list(
        DecisionChange.objects.filter(decision__item__meeting=meeting, applied_at__isnull=True)
        .select_related(
            "decision__author", "decision__item", "recommendation__source", "priority_flag", "organisation"
        )
        .order_by("decision_id", "pk")
    )
    now = timezone.now()
    for change in changes:
        where = _("Decision on “%(item)s”: ") % {"item": change.decision.item.title}
        try:
            target = _apply(change, meeting=meeting)
        except MeetingPermissionDenied as exc:
            raise MeetingPermissionDenied(where + str(exc)) from exc
        except PermissionDenied as exc:  # the follow-up's WrongSide
            raise MeetingPermissionDenied(where + str(exc)) from exc
        except ServiceError as exc:
            raise ServiceError(where + str(exc)) from exc
        except ValidationError as exc:
            raise ServiceError(where + " ".join(exc.messages)) from exc
        change.applied_at = now
        change.target_type = ContentType.objects.get_for_model(target)
        change.target_id = target.pk
        save_with_history(change, by=by, reason=_("Applied on approval of the minutes"))
    meeting.minutes_approved_at = now
    meeting.minutes_approved_by = by
    save_with_history(meeting, by=by, reason=_("Minutes approved"))
    if changes:
        event_emit(event=WebhookEvent.DECISIONS_APPLIED, data=payloads.decisions_applied(meeting, changes))
    return changes
