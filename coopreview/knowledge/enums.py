from django.db import models
from django.utils.translation import gettext_lazy as _

from coopreview.recommendations.enums import Visibility

__all__ = ["Visibility", "Measure", "LegislationStatus", "Channel", "ProposalStatus", "DocumentType"]


class Measure(models.TextChoices):
    """Types of cooperation measure, one profile section each (as in the EJN "Fiches Belges")."""

    ARREST_SURRENDER = "arrest", _("Arrest and surrender")
    ASSETS = "assets", _("Identification, tracing and freezing of assets")
    WITNESS_PROTECTION = "witnesses", _("Protection and relocation of witnesses")
    SERVICE_DOCUMENTS = "service", _("Service of documents")
    EVIDENCE = "evidence", _("Collection of evidence and hearing of witnesses")
    ENFORCEMENT = "enforcement", _("Enforcement of sentences")
    INTERIM_RELEASE = "interim_release", _("Interim release")
    PRIVILEGES = "privileges", _("Privileges and immunities")


class LegislationStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    DRAFT = "draft", _("Draft or pending adoption")
    NONE = "none", _("No implementing legislation")
    UNKNOWN = "unknown", _("Not known")


class Channel(models.TextChoices):
    DIPLOMATIC = "diplomatic", _("Diplomatic channel")
    CENTRAL_AUTHORITY = "central_authority", _("Central authority")
    DIRECT = "direct", _("Direct to the competent authority")
    OTHER = "other", _("Other channel")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class DocumentType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
