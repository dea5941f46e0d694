from django.db import models
from django.utils.translation import gettext_lazy as _

# The access layers are the same for every kind of record: defined once, beside the users they admit.
from coopreview.accounts.enums import Visibility as Visibility


class Response(models.TextChoices):
    """A reviewed party's response, as UN review reports state it (blank where none applies)."""

    SUPPORTED = "supported", _("Supported")
    NOTED = "noted", _("Noted")
    CONSIDER = "consider", _("Will be examined")
    IMPLEMENTED = "implemented", _("Already implemented")
    REJECTED = "rejected", _("Not supported")


class SortOrder(models.TextChoices):
    REFERENCE = "reference", _("Reference")
    REFERENCE_DESC = "-reference", _("Reference (descending)")
    SECTION = "section", _("Cluster")
    UPDATED = "-updated", _("Recently updated")
    RELEVANCE = "relevance", _("Relevance")
