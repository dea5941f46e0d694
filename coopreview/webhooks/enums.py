from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    """What an endpoint may subscribe to; the value is the `event` field of every delivery."""

    RECOMMENDATION_CREATED = "recommendation.created", _("Recommendation created")
    RECOMMENDATION_UPDATED = "recommendation.updated", _("Recommendation changed")
    STATUS_CHANGED = "followup.status_changed", _("Follow-up status moved")
    PROGRESS_VALIDATED = "progress_update.validated", _("Progress update validated")
    DECISIONS_APPLIED = "meeting.decisions_applied", _("Meeting decisions applied")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
