"""Vocabularies of the follow-up: categories, assessments, statuses and the allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """Who must act on a recommendation, as the Review Mechanism proposes and the Bureau approves."""

    COURT = "court", pgettext_lazy("category", "Court")
    ASSEMBLY = "assembly", pgettext_lazy("category", "Assembly")
    BOTH = "both", _("Assembly and Court")
    STATE = "state", pgettext_lazy("category", "States")


# The sides (accounts.enums.Side values) each category puts to work.
CATEGORY_SIDES: dict[str, tuple[str, ...]] = {
    Category.COURT: ("court",),
    Category.ASSEMBLY: ("assembly",),
    Category.BOTH: ("court", "assembly"),
    Category.STATE: ("state",),
}


class Assessment(models.TextChoices):
    POSITIVE = "positive", _("Positively assessed")
    ALREADY_ADDRESSED = "already_addressed", _("Already addressed")
    FURTHER_CONSIDERATION = "further_consideration", _("Requires further consideration")
    NOT_PURSUED = "not_pursued", _("Not to be pursued")


class Budgetary(models.TextChoices):
    YES = "yes", _("With budgetary implications")
    NO = "no", _("Without budgetary implications")
    UNKNOWN = "unknown", _("Budgetary implications not known")


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CATEGORISED = "categorised", _("Categorised")
    ASSESSED = "assessed", _("Assessed")
    ACTION_PLANNED = "action_planned", _("Action planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_PURSUED = "not_pursued", _("Not to be pursued")


# Order of advancement: the overall status of a recommendation is its least advanced part.
STATUS_ORDER = [
    Status.PROPOSED,
    Status.CATEGORISED,
    Status.ASSESSED,
    Status.ACTION_PLANNED,
    Status.IN_PROGRESS,
    Status.IMPLEMENTED,
]

# Explicit workflow: forward one stage, "not to be pursued" from any open stage, and reopening
# (a closed part goes back to "assessed"; an open one may step back one stage to correct a mistake).
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.PROPOSED: (Status.CATEGORISED, Status.NOT_PURSUED),
    Status.CATEGORISED: (Status.ASSESSED, Status.NOT_PURSUED, Status.PROPOSED),
    Status.ASSESSED: (Status.ACTION_PLANNED, Status.IMPLEMENTED, Status.NOT_PURSUED, Status.CATEGORISED),
    Status.ACTION_PLANNED: (Status.IN_PROGRESS, Status.NOT_PURSUED, Status.ASSESSED),
    Status.IN_PROGRESS: (Status.IMPLEMENTED, Status.NOT_PURSUED, Status.ACTION_PLANNED),
    Status.IMPLEMENTED: (Status.ASSESSED,),
    Status.NOT_PURSUED: (Status.ASSESSED,),
}


class UpdateState(models.TextChoices):
    PENDING = "pending", _("Awaiting validation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Returned to its author")


class AttachmentKind(models.TextChoices):
    REPORT = "report", _("Report")
    LETTER = "letter", _("Letter or note verbale")
    DECISION = "decision", _("Decision or resolution")
    OTHER = "other", pgettext_lazy("attachment kind", "Other")
