"""Invitation emails with an .ics attachment, one per invitee, each showing only what they may see,
in the invitee's own language and time zone."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coopreview.accounts.display import user_display_name
from coopreview.accounts.enums import Role
from coopreview.accounts.models import Membership, Organisation
from coopreview.inbox.enums import Verb
from coopreview.inbox.services import notify
from coopreview.meetings import ics
from coopreview.meetings.models import Meeting, Participant
from coopreview.meetings.selectors import agenda_for, user_language, user_time_zone


@dataclass
class Invitee:
    """One e-mail to send: to a person taking part, or to a focal point of an organisation taking part."""

    email: str
    label: str
    participant: Participant
    user: User | None = None
    for_organisation: Organisation | None = None


@dataclass
class NotInvited:
    label: str
    reason: str


def invitation_plan(meeting: Meeting) -> tuple[list[Invitee], list[NotInvited]]:
    """Who receives the invitation and who does not, with the reason. An organisation is never sent
    mail itself: its focal points (its members, observers aside) are, each once."""
    participants = list(meeting.participants.select_related("user", "organisation"))
    org_ids = [p.organisation_id for p in participants if p.organisation_id and not p.user_id]
    members: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.filter(organisation_id__in=org_ids, user__is_active=True)
        .exclude(role=Role.OBSERVER)
        .select_related("user")
        .order_by("pk")
    )
    for m in memberships:
        members.setdefault(m.organisation_id, []).append(m.user)
    invited: list[Invitee] = []
    not_invited: list[NotInvited] = []
    seen: set[str] = set()

    def add(invitee: Invitee) -> None:
        key = invitee.email.lower()
        if key not in seen:
            seen.add(key)
            invited.append(invitee)

    for p in participants:
        if p.user_id or p.email:
            if p.invite_email:
                add(Invitee(p.invite_email, str(p), p, p.user, p.organisation if p.user_id else None))
            else:
                not_invited.append(NotInvited(str(p), _("no e-mail address")))
            continue
        people = members.get(p.organisation_id, [])
        with_email = [u for u in people if u.email]
        if not people:
            not_invited.append(NotInvited(str(p.organisation), _("no focal point on the platform")))
        elif not with_email:
            not_invited.append(NotInvited(str(p.organisation), _("its focal points have no e-mail address")))
        for user in with_email:
            add(Invitee(user.email, user_display_name(user), p, user, p.organisation))
    return invited, not_invited


def invitees(meeting: Meeting) -> list[Invitee]:
    return invitation_plan(meeting)[0]


def send_invitations(*, meeting_id: int, method: str) -> int:
    """Send REQUEST (new or changed) or CANCEL to every invitee; returns how many emails were sent."""
    meeting = Meeting.objects.prefetch_related("sessions").get(pk=meeting_id)
    messages = []
    for invitee in invitees(meeting):
        viewer = invitee.user or AnonymousUser()
        items = [] if method == "CANCEL" else agenda_for(user=viewer, meeting=meeting)
        tz = user_time_zone(viewer) or meeting.time_zone
        language = user_language(viewer) or settings.LANGUAGE_CODE
        with translation.override(language), timezone.override(tz):
            context = {
                "meeting": meeting,
                "items": items,
                "participant": invitee.participant,
                "for_organisation": invitee.for_organisation,
                "cancelled": method == "CANCEL",
                "updated": method == "REQUEST" and meeting.sequence > 0,
                "site_url": settings.SITE_URL,
            }
            if method == "CANCEL":
                subject = _("Cancelled: %(title)s") % {"title": meeting.title}
            elif meeting.sequence > 0:
                subject = _("Updated invitation: %(title)s") % {"title": meeting.title}
            else:
                subject = _("Invitation: %(title)s") % {"title": meeting.title}
            body = render_to_string("meetings/email/invitation.txt", context)
            payload = ics.calendar_bytes([(meeting, items)], method=method, attendee=invitee.email)
        message = EmailMessage(subject=subject, body=body, to=[invitee.email])
        message.attach("invite.ics", payload, f"text/calendar; charset=utf-8; method={method}")
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)
        if method != "CANCEL":
            notify(
                recipients=[p.user for p in invitees(meeting) if p.user is not None],
                verb=Verb.INVITATION,
                target=meeting.title,
                url=reverse("meetings:detail", args=[meeting.pk]),
            )
    return len(messages)
