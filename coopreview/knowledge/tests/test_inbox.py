"""Profile reminders also reach the State focal points' in-platform notifications."""

from datetime import timedelta

from django.utils import timezone

from coopreview.inbox.enums import Verb
from coopreview.inbox.models import Notification
from coopreview.knowledge import services


def test_profile_reminder_notifies_the_states_focal_point(
    knowledge_data, state_focal_point, editor, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    services.profile_reminders_send(now=timezone.now() + timedelta(days=400), dry_run=False)

    note = Notification.objects.get(verb=Verb.PROFILE_REMINDER)
    assert note.recipient == state_focal_point
    assert note.message.startswith("Cooperation profile of Senegal:") and "to verify" in note.message
    assert note.url == "/cooperation/states/SEN/"
    assert not Notification.objects.filter(recipient=editor).exists()
