from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportName(models.TextChoices):
    ANNEX = "annex", _("Annex table")
    PROGRESS = "progress", _("Progress report")
    SHEET = "sheet", _("Recommendation sheet")


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word")
    XLSX = "xlsx", _("Excel")
    HTML = "html", _("Printable HTML")


class Column(models.TextChoices):
    """Columns an annex table can show, in their printed order."""

    REFERENCE = "reference", _("No.")
    TEXT = "text", _("Recommendation")
    ADDRESSEE = "addressee", _("Responsible entity")
    ORGAN = "organ", _("Organ or body")
    FLAGS = "flags", _("Priorities")
    STATUS = "status", _("Status")
    LEAD = "lead", _("Lead")
    VIEWS = "views", _("Stakeholder views")


DEFAULT_COLUMNS = [Column.REFERENCE, Column.TEXT, Column.ADDRESSEE, Column.FLAGS]

MEDIA_TYPES = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.HTML: "text/html; charset=utf-8",
}
