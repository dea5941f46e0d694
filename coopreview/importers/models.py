from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.core.models import TimestampedModel
from coopreview.importers.enums import JobStatus


class ImportJob(TimestampedModel):
    """An uploaded file between upload and apply/cancel: its preview, progress and outcome.

    The file itself is kept through the storage API (imports/<random name>, outside the web root,
    never served) and deleted when the import is applied or cancelled.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file name"), max_length=255)
    upload = models.FileField(upload_to="imports/", max_length=500, blank=True)
    format = models.CharField(_("format"), max_length=20, blank=True)
    source_symbol = models.CharField(_("source"), max_length=100, blank=True)
    mark_flag = models.CharField(_("flag for priority marks"), max_length=100, blank=True)
    # default flag of a shaded row ("Shaded orange (#F4B183)") → the flag the editor named
    colour_flags = models.JSONField(_("flags for shaded rows"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.PARSING
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class NameMapping(TimestampedModel):
    """A printed name an editor confirmed as an organisation ("kyrgysztan" → Kyrgyzstan), used by
    every later import. `key` is the name without case, accents, punctuation or spaces."""

    key = models.CharField(_("name key"), max_length=200, unique=True)
    name = models.CharField(_("name as written"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("name mapping")
        verbose_name_plural = _("name mappings")

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation_id}"


class UnmatchedName(TimestampedModel):
    """A name an import could not match, kept as text on its recommendation until it is mapped."""

    ROLES = [("addressees", _("addressee")), ("recommended_by", _("recommended by"))]
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="unmatched_names",
    )
    role = models.CharField(_("role"), max_length=20, choices=ROLES)
    name = models.CharField(_("name as written"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation_id", "role", "name"]
        verbose_name = _("unmatched name")
        verbose_name_plural = _("unmatched names")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "role", "name"], name="importers_unmatchedname_once"
            )
        ]

    def __str__(self) -> str:
        return self.name
