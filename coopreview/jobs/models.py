from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.core.models import TimestampedModel
from coopreview.jobs.enums import JobKind, JobState


class JobQuerySet(models.QuerySet):
    def stale(self, *, seconds: int | None = None) -> "JobQuerySet":
        """Running jobs whose worker has not been heard of for `seconds` (it died, or its machine)."""
        limit = seconds if seconds is not None else settings.JOBS_STALE_SECONDS
        return self.filter(state=JobState.RUNNING, heartbeat_at__lt=timezone.now() - timedelta(seconds=limit))


class Job(TimestampedModel):
    """One piece of background work as its owner sees it: what, how far, what came of it.

    The queue library (django-q2) only carries the job's id to a worker; the state lives here so that
    a job survives any process being killed: a running job whose heartbeat stops is handed to
    another worker, and the handlers are idempotent (keyed by this job's id).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=JobKind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/", blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Identical work (kind, parameters, audience, data version) has one key: a second identical request
    # reuses the job instead of doing the work again. Blank: every request is new work.
    key = models.CharField(_("key"), max_length=64, blank=True, db_index=True)
    # Who asked, for the limits on concurrent jobs: a digest of an anonymous visitor's address (never
    # the address itself) or blank.
    requester = models.CharField(_("requester"), max_length=64, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=["progress_done", "progress_total", "heartbeat_at", "message"]
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="jobs_job_state_heartbeat_idx")]
        constraints = [
            # Two identical requests at the same moment: the second insert fails and reuses the first.
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(state__in=["queued", "running"]) & ~models.Q(key=""),
                name="jobs_job_one_live_job_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
