"""Invitations also reach the invitees' in-platform notifications (users only; an external guest has none)."""

from coopreview.inbox.enums import Verb
from coopreview.inbox.models import Notification
from coopreview.meetings.notifications import send_invitations


def test_invitation_notifies_each_invited_user(meeting, facilitator, court_focal_point, outsider, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    sent = send_invitations(meeting_id=meeting.pk, method="REQUEST")
    send_invitations(meeting_id=meeting.pk, method="CANCEL")

    notes = Notification.objects.filter(verb=Verb.INVITATION)
    assert sent == 5
    assert {n.recipient.username for n in notes} == {"facilitator", "court", "state", "observer"}
    assert notes.first().url == f"/meetings/{meeting.pk}/"
    assert not Notification.objects.filter(recipient=outsider).exists()
