from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The kinds of assistance are the measures of the State profiles: a request of one kind is drafted
# against the profile section of the same measure.
from coopreview.knowledge.enums import Measure as Kind

__all__ = ["Kind", "Language", "Status", "Direction", "OPEN", "CLOSED", "CLOSING"]


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("request status", "Draft")
    SENT = "sent", pgettext_lazy("request status", "Sent")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("request status", "Acknowledged")
    IN_EXECUTION = "in_execution", pgettext_lazy("request status", "In execution")
    PARTLY_EXECUTED = "partly_executed", pgettext_lazy("request status", "Partly executed")
    EXECUTED = "executed", pgettext_lazy("request status", "Executed")
    REFUSED = "refused", pgettext_lazy("request status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("request status", "Withdrawn")


# Open: the request has left and awaits the State (deadline reminders run for these).
OPEN = frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.IN_EXECUTION})
# Closing statuses end the request; obstacles are recorded with them.
CLOSING = frozenset({Status.PARTLY_EXECUTED, Status.EXECUTED, Status.REFUSED, Status.WITHDRAWN})
CLOSED = CLOSING


class Direction(models.TextChoices):
    OUTGOING = "out", _("Sent to the State")
    INCOMING = "in", _("Received from the State")
    NOTE = "note", _("Note on the file")
