"""Invitation emails with an .ics attachment, one per invitee, each showing only what they may see."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coopreview.inbox.enums import Verb
from coopreview.inbox.services import notify
from coopreview.meetings import ics
from coopreview.meetings.models import Meeting, Participant
from coopreview.meetings.selectors import agenda_for, user_time_zone


def invitees(meeting: Meeting) -> list[Participant]:
    """Persons invited by email: users with an address, and external persons."""
    rows = meeting.participants.select_related("user").exclude(user__isnull=True, email="")
    return [p for p in rows if p.invite_email]


def send_invitations(*, meeting_id: int, method: str) -> int:
    """Send REQUEST (new or changed) or CANCEL to every invitee; returns how many emails were sent."""
    meeting = Meeting.objects.prefetch_related("sessions").get(pk=meeting_id)
    messages = []
    for participant in invitees(meeting):
        viewer = participant.user if participant.user_id else AnonymousUser()
        items = [] if method == "CANCEL" else agenda_for(user=viewer, meeting=meeting)
        tz = user_time_zone(viewer) or meeting.time_zone
        with translation.override(settings.LANGUAGE_CODE), timezone.override(tz):
            context = {
                "meeting": meeting,
                "items": items,
                "participant": participant,
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
        payload = ics.calendar_bytes([(meeting, items)], method=method, attendee=participant.invite_email)
        message = EmailMessage(subject=subject, body=body, to=[participant.invite_email])
        message.attach("invite.ics", payload, f"text/calendar; charset=utf-8; method={method}")
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)
        if method != "CANCEL":
            notify(
                recipients=[p.user for p in invitees(meeting) if p.user_id],
                verb=Verb.INVITATION,
                target=meeting.title,
                url=reverse("meetings:detail", args=[meeting.pk]),
            )
    return len(messages)
