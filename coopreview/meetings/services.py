"""Writes on meetings. Views, forms and commands call these; each checks who may do what."""

import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.accounts.models import Organisation
from coopreview.core.edits import pending_changes, unchanged
from coopreview.core.exceptions import ServiceError
from coopreview.core.history import save_with_history
from coopreview.followup.models import Action
from coopreview.followup.selectors import actions_visible_to
from coopreview.meetings import notifications
from coopreview.meetings.enums import MeetingStatus
from coopreview.meetings.models import (
    AgendaDocument,
    AgendaItem,
    Meeting,
    Participant,
    Session,
    UserPreference,
)
from coopreview.meetings.selectors import user_manages_meetings
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import recommendations_visible_to


class MeetingPermissionDenied(ServiceError):
    """The acting user may not do this; shown as is, with a 403."""


# Fields whose change is news for invitees: a new SEQUENCE and an updated invitation.
CALENDAR_FIELDS = ("title", "start", "end", "time_zone", "place", "online_link", "description")

DOCUMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".txt": ("text/plain", ()),
}


def require_manager(by: User) -> None:
    if not user_manages_meetings(by):
        raise MeetingPermissionDenied(
            _("Only Review Mechanism editors and facilitators may organise meetings.")
        )


def meeting_locked(meeting_id: int) -> Meeting:
    """The meeting as stored, locked for this transaction: checks never trust a caller's stale copy."""
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ServiceError(_("This meeting is cancelled: it can no longer be changed."))


def require_minutes_open(meeting: Meeting) -> None:
    if meeting.minutes_approved:
        raise ServiceError(_("The minutes of this meeting are approved: they can no longer be changed."))


def _on_commit_send(meeting: Meeting, method: str) -> None:
    transaction.on_commit(partial(notifications.send_invitations, meeting_id=meeting.pk, method=method))


# Meetings ----------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    by: User,
    title: str,
    type: str,
    start: datetime,
    end: datetime,
    time_zone: str,
    organisers: Iterable[Organisation] = (),
    place: str = "",
    online_link: str = "",
    description: str = "",
    is_demo: bool = False,
) -> Meeting:
    """A planned meeting. `start`/`end` are aware datetimes (see `local_datetime`)."""
    require_manager(by)
    meeting = Meeting(
        title=title,
        type=type,
        start=start,
        end=end,
        time_zone=time_zone,
        place=place,
        online_link=online_link,
        description=description,
        is_demo=is_demo,
        uid=f"{uuid.uuid4()}@coopreview",
    )
    meeting.full_clean(exclude=["uid"])
    return save_with_history(meeting, by=by, m2m={"organisers": list(organisers)})


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User, reason: str = "", **data: Any) -> Meeting:
    """Change a planned meeting. If invitations went out and the date, place or title changed,
    SEQUENCE is raised and every invitee receives the updated invitation."""
    require_manager(by)
    meeting = meeting_locked(meeting.pk)
    require_open(meeting)
    organisers = data.pop("organisers", None)
    m2m = {"organisers": list(organisers)} if organisers is not None else None
    pending = pending_changes(meeting, data, m2m)
    if not pending:  # the form posted back as it was: no history, no new invitation
        return unchanged(meeting)
    changed = any(k in CALENDAR_FIELDS and getattr(meeting, k) != v for k, v in data.items())
    for name, value in data.items():
        setattr(meeting, name, value)
    meeting.full_clean(exclude=["uid"])
    if changed and meeting.invitations_sent_at:
        meeting.sequence += 1
        _on_commit_send(meeting, "REQUEST")
    return save_with_history(meeting, by=by, reason=reason, m2m=m2m, links=pending.links)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User, reason: str = "") -> Meeting:
    require_manager(by)
    meeting = meeting_locked(meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        raise ServiceError(_("Only a planned meeting can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    if meeting.invitations_sent_at:
        _on_commit_send(meeting, "CANCEL")
    return save_with_history(meeting, by=by, reason=reason or _("Meeting cancelled"))


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: User, before_start: bool = False) -> Meeting:
    """Open the minutes. A meeting that has not started yet is marked held only when the caller says
    so (`before_start`, after asking the person), and the history says it was early."""
    require_manager(by)
    meeting = meeting_locked(meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        raise ServiceError(_("Only a planned meeting can be marked as held."))
    early = meeting.start > timezone.now()
    if early and not before_start:
        raise ServiceError(
            _("This meeting has not started yet: confirm to mark it as held before its start.")
        )
    meeting.status = MeetingStatus.HELD
    reason = _("Meeting held (marked before its start)") if early else _("Meeting held")
    return save_with_history(meeting, by=by, reason=reason)


@transaction.atomic
def invitations_send(*, meeting: Meeting, by: User) -> int:
    """Send (or send again) the invitation to every invitee once the transaction commits."""
    require_manager(by)
    meeting = meeting_locked(meeting.pk)
    require_open(meeting)
    count = len(notifications.invitees(meeting))
    if count == 0:
        raise ServiceError(_("No participant has an email address: add persons before sending invitations."))
    if meeting.invitations_sent_at:
        meeting.sequence += 1
    meeting.invitations_sent_at = timezone.now()
    save_with_history(meeting, by=by, reason=_("Invitations sent"))
    _on_commit_send(meeting, "REQUEST")
    return count


# Participants and sessions -----------------------------------------------------------------------


@transaction.atomic
def participant_add(
    *,
    meeting: Meeting,
    by: User,
    role: str,
    organisation: Organisation | None = None,
    user: User | None = None,
    name: str = "",
    email: str = "",
) -> Participant:
    require_manager(by)
    meeting = meeting_locked(meeting.pk)
    require_open(meeting)
    # A user may attend on behalf of an organisation (both given); otherwise exactly one of them.
    if (name or email) and (organisation or user) or not (organisation or user or name or email):
        raise ServiceError(
            _(
                "Give an organisation, a user (alone or attending for an organisation), or an external "
                "person's name and email."
            )
        )
    if (name or email) and not (name and email):
        raise ServiceError(_("An external person needs both a name and an email address."))
    if user and meeting.participants.filter(user=user).exists():
        raise ServiceError(_("%(who)s already takes part in this meeting.") % {"who": user.get_username()})
    if (
        organisation
        and not user
        and meeting.participants.filter(organisation=organisation, user=None).exists()
    ):
        raise ServiceError(_("%(who)s already takes part in this meeting.") % {"who": organisation})
    participant = Participant(
        meeting=meeting, role=role, organisation=organisation, user=user, name=name, email=email
    )
    participant.full_clean(validate_unique=False)
    return save_with_history(participant, by=by)


@transaction.atomic
def session_add(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    start: datetime,
    end: datetime,
    room: str = "",
    speakers: Iterable[Participant] = (),
) -> Session:
    """A session within the meeting's time; two sessions may not share a room at the same time."""
    require_manager(by)
    meeting = meeting_locked(meeting.pk)
    require_open(meeting)
    if end <= start:
        raise ValidationError({"end": _("The end must be after the start.")})
    if start < meeting.start or end > meeting.end:
        raise ValidationError({"start": _("A session must take place within the meeting's start and end.")})
    if room:
        clash = (
            meeting.sessions.filter(room__iexact=room.strip(), start__lt=end, end__gt=start)
            .order_by("start")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "room": _("Room “%(room)s” is already taken by the session “%(other)s” at that time.")
                    % {"room": room, "other": clash.title}
                }
            )
    speakers = list(speakers)
    if any(s.meeting_id != meeting.pk for s in speakers):
        raise ValidationError({"speakers": _("Speakers must be participants of this meeting.")})
    session = Session(meeting=meeting, title=title, start=start, end=end, room=room.strip())
    session.full_clean()
    return save_with_history(session, by=by, m2m={"speakers": speakers})


# Agenda, minutes, documents ----------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    description: str = "",
    recommendations: Iterable[Recommendation] = (),
    action: Action | None = None,
) -> AgendaItem:
    """An agenda item about any number of recommendations (each one `by` may see) and an optional action."""
    require_manager(by)
    meeting = meeting_locked(meeting.pk)
    require_open(meeting)
    require_minutes_open(meeting)
    recommendations = _linkable(by, recommendations, action)
    position = meeting.agenda_items.count() + 1
    item = AgendaItem(meeting=meeting, position=position, title=title, description=description, action=action)
    item.full_clean()
    return save_with_history(item, by=by, m2m={"recommendations": recommendations})


def _linkable(
    by: User, recommendations: Iterable[Recommendation], action: Action | None
) -> list[Recommendation]:
    """The recommendations (without repeats), once each and the action are checked open to `by`."""
    recommendations = list(dict.fromkeys(recommendations))
    visible = set(
        recommendations_visible_to(user=by)
        .filter(pk__in=[rec.pk for rec in recommendations])
        .values_list("pk", flat=True)
    )
    hidden = [rec for rec in recommendations if rec.pk not in visible]
    if hidden:
        # The number only, never the reference: the user may not see the recommendation.
        raise MeetingPermissionDenied(
            _("You may not link recommendation number %(ids)s.")
            % {"ids": ", ".join(str(r.pk) for r in hidden)}
        )
    if action is not None and not actions_visible_to(user=by).filter(pk=action.pk).exists():
        raise MeetingPermissionDenied(_("You may not link this action."))
    return recommendations


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    by: User,
    title: str,
    description: str = "",
    recommendations: Iterable[Recommendation] = (),
    action: Action | None = None,
    reason: str = "",
) -> AgendaItem:
    """Change an item's title, description and links, under the rules of `agenda_item_add`. Links to
    recommendations `by` may not open are kept as they are (they are not theirs to remove)."""
    _agenda_editable(item, by)
    item = AgendaItem.objects.get(pk=item.pk)
    # An unchanged action is not re-checked: keeping what an organiser linked is no new disclosure.
    recommendations = _linkable(by, recommendations, action if action != item.action else None)
    unseen = item.recommendations.exclude(pk__in=recommendations_visible_to(user=by).values("pk"))
    links = {"recommendations": [*recommendations, *unseen]}
    pending = pending_changes(item, {"title": title, "description": description, "action": action}, links)
    if not pending:
        return unchanged(item)  # no history row, no new "last updated"
    item.title, item.description, item.action = title, description, action
    item.full_clean()
    return save_with_history(item, by=by, reason=reason, m2m=links, links=pending.links)


def _agenda_editable(item: AgendaItem, by: User) -> Meeting:
    require_manager(by)
    meeting = meeting_locked(item.meeting_id)
    require_open(meeting)
    require_minutes_open(meeting)
    return meeting


def _renumber(items: list[AgendaItem], by: User, reason: str) -> None:
    """Positions 1…n in the given order; only items whose position changes are saved (with history)."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            save_with_history(item, by=by, reason=reason)


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: User, direction: str) -> AgendaItem:
    """Move an agenda item one place up or down ("up" / "down"); the first stays first on "up"."""
    meeting = _agenda_editable(item, by)
    if direction not in ("up", "down"):
        raise ServiceError(_("Move an agenda item “up” or “down”."))
    items = list(meeting.agenda_items.order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _renumber(items, by, _("Agenda reordered"))
    return next(other for other in items if other.pk == item.pk)


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """Take an item off the agenda (the history keeps it). Refused once it has decisions or
    documents: those belong to the record of the meeting."""
    meeting = _agenda_editable(item, by)
    item = AgendaItem.objects.get(pk=item.pk)
    if item.decisions.exists() or item.documents.exists():
        raise ServiceError(
            _("“%(title)s” has decisions or documents: it stays on the agenda.") % {"title": item.title}
        )
    item._history_user = by
    item._change_reason = _("Removed from the agenda")
    item.delete()
    _renumber(list(meeting.agenda_items.order_by("position", "pk")), by, _("Agenda reordered"))


@transaction.atomic
def agenda_item_set_minutes(*, item: AgendaItem, by: User, minutes: str) -> AgendaItem:
    require_manager(by)
    item.meeting = meeting_locked(item.meeting_id)
    require_minutes_open(item.meeting)
    if item.meeting.status != MeetingStatus.HELD:
        raise ServiceError(_("Minutes are written once the meeting is marked as held."))
    if AgendaItem.objects.get(pk=item.pk).minutes == minutes:
        return unchanged(item)  # the form posted back as it was shown: nothing to record
    item.minutes = minutes
    return save_with_history(item, by=by, reason=_("Minutes"))


def _check_upload(upload: UploadedFile) -> str:
    suffix = Path(upload.name).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        allowed = ", ".join(sorted(DOCUMENT_TYPES))
        raise ValidationError(
            {
                "file": _("Files of type “%(type)s” are not accepted (allowed: %(allowed)s).")
                % {"type": suffix or "?", "allowed": allowed}
            }
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large (%(size)d MB; at most %(max)d MB).")
                % {"size": upload.size // 1_048_576, "max": settings.UPLOAD_MAX_BYTES // 1_048_576}
            }
        )
    content_type, magics = DOCUMENT_TYPES[suffix]
    head = upload.read(8)
    upload.seek(0)
    if magics and not any(head.startswith(m) for m in magics):
        raise ValidationError(
            {"file": _("The file’s contents do not match its “%(type)s” extension.") % {"type": suffix}}
        )
    return content_type


@transaction.atomic
def document_add(*, item: AgendaItem, by: User, title: str, upload: UploadedFile) -> AgendaDocument:
    require_manager(by)
    require_open(meeting_locked(item.meeting_id))
    content_type = _check_upload(upload)
    upload.name = Path(upload.name).name[-120:]
    document = AgendaDocument(
        item=item, title=title or upload.name, content_type=content_type, size=upload.size, uploaded_by=by
    )
    document.file.save(upload.name, upload, save=False)
    return save_with_history(document, by=by)


# Per-user settings -------------------------------------------------------------------------------


def _preference(user: User) -> UserPreference:
    pref = UserPreference.objects.select_for_update().filter(user=user).first()
    return pref or UserPreference(user=user)


@transaction.atomic
def preference_set_time_zone(*, user: User, time_zone: str) -> UserPreference:
    pref = _preference(user)
    pref.time_zone = time_zone
    pref.full_clean()
    return save_with_history(pref, by=user, reason=_("Time zone"))


@transaction.atomic
def preference_set_language(*, user: User, language: str) -> UserPreference:
    """The language of the pages after sign-in and of the e-mails the user receives ("" : not chosen)."""
    pref = _preference(user)
    pref.language = language
    pref.full_clean()
    return save_with_history(pref, by=user, reason=_("Language"))


@transaction.atomic
def feed_token_renew(*, user: User) -> UserPreference:
    """A new secret for the calendar feed; the previous URL stops working."""
    pref = _preference(user)
    pref.feed_token = UserPreference.new_token()
    return save_with_history(pref, by=user, reason=_("Calendar feed address renewed"))


@transaction.atomic
def feed_token_revoke(*, user: User) -> UserPreference:
    pref = _preference(user)
    pref.feed_token = ""
    return save_with_history(pref, by=user, reason=_("Calendar feed address revoked"))
