from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    """What a notification reports; the sentence shown is Notification.message, in the reader's language."""

    REMINDER = "reminder", _("Actions due")
    PROFILE_REMINDER = "profile_reminder", _("Profile sections to verify")
    INVITATION = "invitation", _("Meeting invitation")
    UPDATE_SUBMITTED = "update_submitted", _("Progress update to validate")
    UPDATE_PUBLISHED = "update_published", _("Progress update published")
    UPDATE_RETURNED = "update_returned", _("Progress update returned")
    BULK_CHANGE = "bulk_change", _("Recommendations changed")
    ASSISTANCE_DUE = "assistance_due", _("Requests for assistance due")
    ASSISTANCE_UPDATE = "assistance_update", _("Request for assistance updated")
