from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    PARSING = "parsing", _("Reading the file")
    READY = "ready", _("Ready to apply")
    APPLYING = "applying", _("Applying")
    FAILED = "failed", _("Could not be read")
    APPLIED = "applied", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")


class RecordStatus(models.TextChoices):
    NEW = "new", _("New")
    CHANGED = "changed", _("Changed")
    UNCHANGED = "unchanged", _("Unchanged")
