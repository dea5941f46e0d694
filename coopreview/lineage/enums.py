from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkType(models.TextChoices):
    """How recommendation A relates to recommendation B ("A duplicates B", "A supersedes B"…)."""

    DUPLICATES = "duplicates", _("duplicates")
    OVERLAPS = "overlaps", _("partially overlaps")
    BUILDS_ON = "builds_on", _("builds on")
    SUPERSEDES = "supersedes", _("supersedes")
    IMPLEMENTED_BY = "implemented_by", _("is implemented by")


SYMMETRIC = frozenset({LinkType.DUPLICATES, LinkType.OVERLAPS})
# Link types that say a later recommendation asks again what an earlier one asked.
REPEATS = frozenset({LinkType.DUPLICATES, LinkType.OVERLAPS, LinkType.BUILDS_ON, LinkType.SUPERSEDES})


class LinkOrigin(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    SUGGESTION = "suggestion", _("confirmed suggestion")
    IMPORT = "import", _("imported")
