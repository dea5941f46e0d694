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
