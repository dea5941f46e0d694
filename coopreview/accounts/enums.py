from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganisationKind(models.TextChoices):
    COURT = "court", pgettext_lazy("organisation kind", "Court")
    COURT_ORGAN = "court_organ", _("Organ of the Court")
    ASSEMBLY = "assembly", pgettext_lazy("organisation kind", "Assembly")
    ASSEMBLY_BODY = "assembly_body", _("Body of the Assembly")
    STATE = "state", _("State")
    OTHER = "other", _("Other organisation")


class Side(models.TextChoices):
    """Who must act on a recommendation: the two sides of the Rome Statute system, or a State."""

    COURT = "court", pgettext_lazy("side", "Court")
    ASSEMBLY = "assembly", pgettext_lazy("side", "Assembly")
    STATE = "state", pgettext_lazy("side", "State")
    OTHER = "other", pgettext_lazy("side", "Other")


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    EDITOR = "editor", _("Review Mechanism editor")
    FACILITATOR = "facilitator", _("Facilitator")
    COURT_FOCAL_POINT = "court_focal_point", _("Court focal point")
    STATE_FOCAL_POINT = "state_focal_point", _("State focal point")
    OBSERVER = "observer", _("Observer")


# Roles that belong to the "States Parties and Court" access layer (observers do not).
MEMBER_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.EDITOR, Role.FACILITATOR, Role.COURT_FOCAL_POINT, Role.STATE_FOCAL_POINT}
)
EDITOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.EDITOR})


class Visibility(models.TextChoices):
    """The access layers of a record; coopreview.accounts.layers says who may open which."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("States Parties and Court")
    RESTRICTED = "restricted", _("Restricted to named organisations")
