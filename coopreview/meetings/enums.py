from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DEFAULT_TIME_ZONE = "Europe/Amsterdam"  # The Hague


class MeetingType(models.TextChoices):
    FACILITATION = "facilitation", _("Facilitation")
    REVIEW_MECHANISM = "review_mechanism", _("Review Mechanism")
    BUREAU = "bureau", _("Bureau")
    WORKSHOP = "workshop", _("Workshop")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
    HELD = "held", pgettext_lazy("meeting status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class ParticipantRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SPEAKER = "speaker", _("Speaker")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", pgettext_lazy("meeting role", "Observer")


class ChangeKind(models.TextChoices):
    """Follow-up changes a decision can carry; applied when the minutes are approved."""

    ADD_PRIORITY_FLAG = "add_flag", _("Set a priority flag")
    REMOVE_PRIORITY_FLAG = "remove_flag", _("Remove a priority flag")
    MOVE_STATUS = "move_status", _("Move an addressee's part to a status")
    CREATE_ACTION = "create_action", _("Create an action")
    RECORD_VIEW = "record_view", _("Record a stakeholder view")


FLAG_KINDS = (ChangeKind.ADD_PRIORITY_FLAG, ChangeKind.REMOVE_PRIORITY_FLAG)
