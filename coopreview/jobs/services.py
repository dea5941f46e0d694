"""Writes on jobs: enqueue, claim (one worker at a time), progress with heartbeat, finish, recover.

The queue (django-q2: the ORM broker on the project's own database by default, Redis when
`JOBS_BROKER_URL` is set) only carries a job's id; every state change here is one conditional UPDATE,
so two workers handed the same job (a redelivery, a recovered stale job) never both run it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.core.exceptions import ServiceError
from coopreview.core.history import save_with_history
from coopreview.jobs.enums import JobState
from coopreview.jobs.models import Job

logger = logging.getLogger(__name__)
HANDLERS: dict[str, Callable[[Job, JobContext], Any]] = {}


def handler(kind: str) -> Callable:
    """Register the function that runs jobs of `kind`. It must be idempotent: a job killed half-way is
    run again from the start (or finds its work already done)."""

    def register(fn: Callable) -> Callable:
        HANDLERS[kind] = fn
        return fn

    return register


class JobContext:
    """What a handler reports: progress and a short message. In a worker, a heartbeat thread writes
    them with its own database connection every JOBS_HEARTBEAT_SECONDS, so they are seen (and the
    job counts as alive) even while the handler is inside a long transaction; `on_flush` callbacks
    write the same progress elsewhere (e.g. on the import's page)."""

    def __init__(self, job: Job, *, live: bool = False) -> None:
        self.job = job
        self.live = live
        self.done = self.total = 0
        self.message = ""
        self.on_flush: list[Callable[[int, int], None]] = []
        self._stop = threading.Event()

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.done, self.total = done, total
        if message:
            self.message = message[:300]
        if not self.live:
            self.flush()

    def flush(self) -> None:
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=self.done,
            progress_total=self.total,
            message=self.message,
            heartbeat_at=timezone.now(),
        )
        for callback in self.on_flush:
            callback(self.done, self.total)

    @contextmanager
    def heartbeat(self) -> Iterator[None]:
        if not self.live:
            yield
            return

        def beat() -> None:
            try:
                while not self._stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                    try:
                        self.flush()
                    except DatabaseError:  # locked for a moment: the next beat will do
                        logger.warning("job %s: heartbeat not written", self.job.pk)
            finally:
                connections.close_all()  # this thread's own connections

        thread = threading.Thread(target=beat, daemon=True, name=f"job-{self.job.pk}-heartbeat")
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join()


def _dispatch(job_id: int) -> None:
    from django_q.tasks import async_task

    async_task("coopreview.jobs.services.job_run", job_id, task_name=f"job-{job_id}", group="coopreview")


def job_enqueue(
    *,
    kind: str,
    owner: User | None,
    params: dict | None = None,
    title: str = "",
    key: str = "",
    requester: str = "",
    expires_at: datetime | None = None,
) -> Job:
    """Record a job and hand it to the queue once the transaction commits (or now, with JOBS_EAGER)."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(kind=kind, owner=owner if owner is not None and owner.is_authenticated else None,
              params=params or {}, title=title[:300], key=key, requester=requester,
              expires_at=expires_at)  # fmt: skip
    save_with_history(job, by=owner if job.owner_id else None, reason="queued")
    if settings.JOBS_EAGER:
        job_run(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def job_reusable(*, kind: str, owner: User | None, key: str) -> Job | None:
    """The job that already does (or did) this exact work for this owner (None: anonymous): waiting,
    running, or done and not expired. A failed job is never reused: asking again tries again."""
    owner = owner if owner is not None and owner.is_authenticated else None
    now = timezone.now()
    return (
        Job.objects.filter(kind=kind, key=key, owner=owner)
        .exclude(state=JobState.FAILED)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-created_at", "-id")
        .first()
    )


def job_enqueue_once(*, kind: str, owner: User | None, key: str, **fields: Any) -> tuple[Job, bool]:
    """Idempotent enqueue: the job with this `key` (see job_reusable), or a new one. Returns (job,
    created). Two identical requests racing: the database's unique key lets one insert, the other reuses."""
    if not key:
        raise ValueError("job_enqueue_once needs a key")
    found = job_reusable(kind=kind, owner=owner, key=key)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return job_enqueue(kind=kind, owner=owner, key=key, **fields), True
    except IntegrityError:
        found = job_reusable(kind=kind, owner=owner, key=key)
        if found is None:
            raise
        return found, False


def data_version(*, app_labels: tuple[str, ...]) -> str:
    """The latest change recorded in these apps' history, plus the recommendations' latest id and the
    head of the search index's change log (every create, edit and delete of an indexed record
    appends to it, imports included; a delete changes nothing else here): part of a job's key, so a job
    over changed data is new work. Only MAXes over indexes: a COUNT of the recommendations was a full
    scan, 355 ms of lineage review's 489 at 1,000,000 recommendations."""
    from django.apps import apps

    from coopreview.recommendations.models import Recommendation
    from coopreview.search.models import SearchChange

    latest = []
    for model in apps.get_models():
        if model._meta.app_label in app_labels and model.__name__.startswith("Historical"):
            if any(f.name == "history_date" for f in model._meta.fields):
                latest.append(model.objects.aggregate(last=Max("history_date"))["last"])
    stamps = sorted(str(x) for x in latest if x is not None)
    # One MAX a query over a primary key: SQLite reads a single MIN/MAX off an index, but two in one
    # SELECT, or MAX(updated_at) (0.47 s), scan the table. Edits reach the log, so no updated_at here.
    top = Recommendation.objects.aggregate(m=Max("pk"))["m"]
    logged = SearchChange.objects.aggregate(m=Max("id"))["m"]
    return f"{stamps[-1] if stamps else ''}|{logged}|{top}"


def jobs_expire_files() -> int:
    """Delete the result files of jobs past their expiry (through the storage API), keeping the job's
    record. Run hourly by the worker's schedule; safe to run anywhere, any number of times."""
    count = 0
    expired = Job.objects.filter(expires_at__lte=timezone.now()).exclude(result_file="")
    for job in expired.only("pk", "result_file"):
        job.result_file.delete(save=False)  # a file already gone is no error
        Job.objects.filter(pk=job.pk).update(result_file="")
        count += 1
    return count


def job_claim(job_id: int) -> Job | None:
    """Take the job for this process if it is waiting, or running without a heartbeat for longer than
    JOBS_STALE_SECONDS (its worker died). None if it is done, failed, or alive in another worker."""
    now = timezone.now()
    stale = Q(state=JobState.RUNNING, heartbeat_at__lt=now - timedelta(seconds=settings.JOBS_STALE_SECONDS))
    taken = (
        Job.objects.filter(pk=job_id)
        .filter(Q(state=JobState.QUEUED) | stale)
        .update(state=JobState.RUNNING, attempts=F("attempts") + 1, heartbeat_at=now, updated_at=now)
    )
    return Job.objects.get(pk=job_id) if taken else None


def job_run(job_id: int) -> str:
    """The queue's entry point: claim, run the handler, record the outcome. Never raises."""
    job = job_claim(job_id)
    if job is None:
        return "skipped"
    context = JobContext(job, live=not settings.JOBS_EAGER)
    try:
        with context.heartbeat():
            outcome = HANDLERS[job.kind](job, context)
    except ServiceError as exc:
        return _finish(job, state=JobState.FAILED, error=str(exc))
    except Exception as exc:  # a bug or a lost database: the owner sees a sentence, the log the traceback
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        if job.attempts < settings.JOBS_MAX_ATTEMPTS:
            Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED, error=str(exc)[:500])
            transaction.on_commit(lambda: _dispatch(job.pk))
            return "retry"
        return _finish(job, state=JobState.FAILED, error=_("The job failed: %(error)s") % {"error": exc})
    return _finish(job, state=JobState.DONE, result=outcome if isinstance(outcome, dict) else {})


def _finish(job: Job, *, state: str, error: str = "", result: dict | None = None) -> str:
    job.refresh_from_db()
    job.state, job.error, job.finished_at = state, error, timezone.now()
    if result is not None:
        job.result = result
    if state == JobState.DONE:
        job.progress_done = max(job.progress_done, job.progress_total)
    save_with_history(job, reason=state)
    return state


def job_attach_file(*, job: Job, name: str, content: bytes) -> None:
    """Keep a job's result file through the storage API (local directory, or any shared storage). A
    job run again (its worker died after saving) replaces its file rather than leaving one behind."""
    if job.result_file:
        job.result_file.delete(save=False)
    job.result_file.save(name, ContentFile(content), save=False)
    Job.objects.filter(pk=job.pk).update(result_file=job.result_file.name)


def jobs_recover_stale() -> int:
    """Hand every running job whose worker stopped beating back to the queue. Safe to call from every
    worker at once: each job is re-queued by one conditional UPDATE. Returns the number re-queued."""
    count = 0
    for job_id in list(Job.objects.stale().values_list("pk", flat=True)):
        now = timezone.now()
        if Job.objects.stale().filter(pk=job_id).update(state=JobState.QUEUED, updated_at=now):
            logger.warning("job %s: its worker stopped; queued again", job_id)
            _dispatch(job_id)
            count += 1
    return count


def reminders_enqueue() -> Job:
    """Called once a day by the cluster-wide schedule."""
    from coopreview.jobs.enums import JobKind

    return job_enqueue(kind=JobKind.REMINDERS, owner=None, title=_("Daily reminders"))
