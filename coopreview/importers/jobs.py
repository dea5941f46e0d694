"""The web flow of an import as background jobs: upload → parse and plan (job) → preview → apply (job).

The uploaded file is kept through Django's storage API (`default_storage`: a local directory outside
the web root by default, any shared storage with several servers) under a random name with no
extension, never served, and deleted once the import is applied, cancelled or failed.

Both steps are idempotent, keyed by the import: a parse that finds the import already read does
nothing; an apply writes everything in one transaction that also marks the import applied, so a
retried apply (its worker was killed) either finds it applied or redoes it from scratch.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import pickle  # noqa: S403 — only our own plans, stored by the parse and checked by HMAC before loading
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from coopreview.core.exceptions import ServiceError
from coopreview.core.history import save_with_history
from coopreview.importers import services
from coopreview.importers.enums import JobStatus
from coopreview.importers.models import ImportJob
from coopreview.importers.parsers.base import ImportFileError
from coopreview.importers.parsers.limits import check_preview
from coopreview.jobs.enums import JobKind
from coopreview.jobs.models import Job
from coopreview.jobs.services import JobContext, handler, job_enqueue


@transaction.atomic
def import_job_create(
    *, by: User, upload: UploadedFile, source: str, format: str, mark_flag: str
) -> ImportJob:
    """Store the file and queue its reading; the preview page follows the job's progress."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise services.ImportRefused(
            _("%(file)s: the file is larger than %(max)s MB.")
            % {"file": upload.name, "max": round(settings.UPLOAD_MAX_BYTES / 1048576, 1)}
        )
    file_name = Path(upload.name).name[:255]
    job = ImportJob(
        uploaded_by=by,
        file_name=file_name,
        format=format if format != "auto" else "",
        source_symbol=source,
        mark_flag=mark_flag or services.MARK_FLAG_DEFAULT,
    )
    job.upload.save(uuid.uuid4().hex, upload, save=False)
    save_with_history(job, by=by, reason="upload")
    job_enqueue(kind=JobKind.IMPORT_PARSE, owner=by, params={"import": job.pk},
                title=_("Read %(file)s") % {"file": file_name})  # fmt: skip
    job.refresh_from_db()
    return job


@contextmanager
def _local_file(job: ImportJob) -> Iterator[Path]:
    """A path to the uploaded file: the storage's own when it is a local directory, else a copy."""
    try:
        yield Path(job.upload.path)
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile() as copy, job.upload.open("rb") as fh:
        shutil.copyfileobj(fh, copy)
        copy.flush()
        yield Path(copy.name)


def _plan_for(job: ImportJob, progress=None) -> services.ImportPlan:
    if not job.upload:
        raise services.ImportRefused(_("%(file)s: the file is no longer there.") % {"file": job.file_name})
    with _local_file(job) as path:
        used, result = services.parse_file(
            path, file=job.file_name, format=job.format or "auto", progress=progress,
            max_bytes=settings.UPLOAD_MAX_BYTES,
        )  # fmt: skip
    job.format = used
    return services.build_plan(
        result=result, file=job.file_name, format=used, source=job.source_symbol, mark_flag=job.mark_flag,
        colour_flags=job.colour_flags,
    )  # fmt: skip


def _plan_fingerprint() -> str:
    """What a plan read from the database: organisations, sources, recommendations, flags and themes
    (their history, and the recommendations' size and latest update, which bulk writes change) and
    the confirmed name mappings. Equal fingerprints: the plan made at the preview is still the plan."""
    from coopreview.importers.models import NameMapping
    from coopreview.jobs.services import data_version

    names = NameMapping.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    return f"{data_version(app_labels=('accounts', 'recommendations'))}|{names['n']}|{names['changed']}"


def _plan_name(job: ImportJob) -> str:
    return f"{job.upload.name}.plan"


def _signature(blob: bytes) -> bytes:
    key = hashlib.sha256(f"coopreview.importers.plan:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, blob, hashlib.sha256).digest()


def _plan_keep(job: ImportJob, plan: services.ImportPlan, fingerprint: str) -> None:
    """Keep the preview's plan beside the uploaded file (same storage, signed), so the apply need not
    read and plan a 100,000-row file again when nothing it depends on has changed since."""
    blob = pickle.dumps((fingerprint, plan), protocol=pickle.HIGHEST_PROTOCOL)
    default_storage.delete(_plan_name(job))
    default_storage.save(_plan_name(job), ContentFile(_signature(blob) + blob))


def _plan_kept(job: ImportJob) -> services.ImportPlan | None:
    """The preview's plan if it is still valid (signed by us, the database unchanged since), else None."""
    if not job.upload or not default_storage.exists(_plan_name(job)):
        return None
    with default_storage.open(_plan_name(job), "rb") as fh:
        data = fh.read()
    signature, blob = data[:32], data[32:]
    if not hmac.compare_digest(signature, _signature(blob)):
        return None
    fingerprint, plan = pickle.loads(blob)  # noqa: S301 — signed above
    return plan if fingerprint == _plan_fingerprint() else None


def _progress_of(job: ImportJob, context: JobContext | None):
    def write(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    if context is None:
        return write
    context.on_flush = [write]  # written by the job's heartbeat, outside the apply's transaction
    return context.progress


def import_job_parse(*, job: ImportJob, context: JobContext | None = None) -> ImportJob:
    """Parse and plan; the preview is stored on the import. Failures are stored as its error."""
    if job.status != JobStatus.PARSING:
        return job  # already read (a repeated delivery of the job)
    try:
        fingerprint = _plan_fingerprint()  # before planning: a change made meanwhile invalidates the plan
        plan = _plan_for(job, _progress_of(job, context))
    except ServiceError as exc:
        job.status, job.error = JobStatus.FAILED, str(exc)
        _discard(job)
    else:
        job.preview = plan.as_json()
        job.status = JobStatus.READY
        try:
            check_preview(len(json.dumps(job.preview, ensure_ascii=False)), file=job.file_name)
        except ImportFileError as exc:
            job.status, job.error, job.preview = JobStatus.FAILED, str(exc), {}
            _discard(job)
        else:
            _plan_keep(job, plan, fingerprint)
        job.progress_done = job.progress_total = max(job.progress_total, 1)
    job.save(update_fields=["status", "error", "preview", "format", "upload", "progress_done",
                            "progress_total", "updated_at"])  # fmt: skip
    return job


def import_job_set_source(*, job: ImportJob, symbol: str, by: User) -> ImportJob:
    """Name the source of a file whose recommendations have none, and preview it again (the stored
    file is read again: nothing to upload twice). Only while the preview waits for confirmation."""
    symbol = " ".join(symbol.split())
    if job.status != JobStatus.READY:
        raise ServiceError(_("This import is no longer waiting for confirmation."))
    if not symbol or len(symbol) > 100:
        raise ServiceError(
            _("Enter the document symbol of the source (at most 100 characters), e.g. ICC-ASP/19/16.")
        )
    job.source_symbol = symbol
    return import_job_parse_again(job=job, by=by, reason="source named")


def import_job_parse_again(*, job: ImportJob, by: User, reason: str) -> ImportJob:
    """Read the stored file again with the import's new settings (a job, like the first reading)."""
    job.status, job.error, job.preview = JobStatus.PARSING, "", {}
    job.progress_done = job.progress_total = 0
    save_with_history(job, by=by, reason=reason)
    job_enqueue(kind=JobKind.IMPORT_PARSE, owner=by, params={"import": job.pk},
                title=_("Read %(file)s") % {"file": job.file_name})  # fmt: skip
    job.refresh_from_db()
    return job


@handler(JobKind.IMPORT_PARSE)
def _parse_handler(job: Job, context: JobContext) -> dict:
    imported = import_job_parse(job=ImportJob.objects.get(pk=job.params["import"]), context=context)
    if imported.status == JobStatus.FAILED:
        raise services.ImportRefused(imported.error)
    return {"import": imported.pk, "counts": imported.preview.get("counts", {})}


@transaction.atomic
def import_job_apply(*, job: ImportJob, by: User) -> Job:
    """Queue the apply of a ready import; the preview page shows its progress."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.READY:
        raise services.ImportRefused(_("This import is not ready to apply."))
    blocking = [p for p in job.preview.get("problems", []) if p["blocking"]]
    if blocking:
        raise services.ImportRefused(
            _("%(file)s: %(count)s problem(s) must be fixed first; nothing was written. First: %(first)s")
            % {
                "file": job.file_name,
                "count": len(blocking),
                "first": f"{blocking[0]['place']}: {blocking[0]['reason']}",
            }  # fmt: skip
        )
    counts = job.preview.get("counts", {})
    job.status, job.error = JobStatus.APPLYING, ""
    job.progress_done, job.progress_total = 0, max(1, counts.get("new", 0) + counts.get("changed", 0))
    job.save(update_fields=["status", "error", "progress_done", "progress_total", "updated_at"])
    return job_enqueue(kind=JobKind.IMPORT_APPLY, owner=by, params={"import": job.pk, "by": by.pk},
                       title=_("Apply %(file)s") % {"file": job.file_name})  # fmt: skip


@handler(JobKind.IMPORT_APPLY)
def _apply_handler(job: Job, context: JobContext) -> dict:
    imported = ImportJob.objects.get(pk=job.params["import"])
    if imported.status == JobStatus.APPLIED:  # a retried job whose transaction had committed
        return imported.preview.get("applied", {})
    if imported.status != JobStatus.APPLYING:
        raise services.ImportRefused(_("This import is not ready to apply."))
    by = User.objects.get(pk=job.params["by"])
    try:
        return _apply(imported, by=by, context=context)
    except services.ImportRefused as exc:
        ImportJob.objects.filter(pk=imported.pk).update(status=JobStatus.READY, error=str(exc))
        raise
    except Exception as exc:  # the transaction was rolled back: the import can be applied again
        message = _("%(file)s: applying failed; nothing was written.") % {"file": imported.file_name}
        ImportJob.objects.filter(pk=imported.pk).update(status=JobStatus.READY, error=message)
        raise services.ImportRefused(message) from exc


def _apply(job: ImportJob, *, by: User, context: JobContext | None) -> dict[str, int]:
    """Apply the preview's plan when nothing it read has changed since; else re-read the file and plan
    again, refusing if the result differs from the preview the user saw."""
    plan = _plan_kept(job) or _plan_for(job)
    if plan.as_json() != {k: v for k, v in job.preview.items() if k != "applied"}:
        ImportJob.objects.filter(pk=job.pk).update(preview=plan.as_json())
        raise services.ImportRefused(
            _(
                "The recommendations changed since the preview was made; "
                "review the new preview and confirm again."
            )
        )

    def written(ids: list[int]) -> None:
        # In the apply's own transaction: the import is applied exactly when its records are, and
        # the search index update is queued durably with them.
        job.status = JobStatus.APPLIED
        job.preview = {**job.preview, "applied": {"new": len(ids)}}
        job.error = ""
        save_with_history(job, by=by, reason="applied")
        job_enqueue(kind=JobKind.SEARCH_REINDEX, owner=by, params={"ids": ids},
                    title=_("Index %(file)s") % {"file": job.file_name})  # fmt: skip

    counts = services.plan_apply(
        plan=plan, by=by, progress=_progress_of(job, context), on_written=written, reindex=False
    )
    ImportJob.objects.filter(pk=job.pk).update(preview={**job.preview, "applied": counts})
    _discard(job)
    ImportJob.objects.filter(pk=job.pk).update(upload="")
    return counts


def import_job_cancel(*, job: ImportJob, by: User) -> ImportJob:
    if job.status in (JobStatus.APPLIED, JobStatus.CANCELLED, JobStatus.APPLYING):
        return job
    job.status = JobStatus.CANCELLED
    _discard(job)
    return save_with_history(job, by=by, reason="cancelled")


def _discard(job: ImportJob) -> None:
    if job.upload:
        default_storage.delete(_plan_name(job))
        job.upload.delete(save=False)


def import_job_name_colour_flag(*, job: ImportJob, flag: str, name: str, by: User) -> ImportJob:
    """Rows shaded in one colour get the flag `name` instead of `flag`; the preview is redone."""
    job.colour_flags = {**job.colour_flags, flag: name.strip()}
    return import_job_parse_again(job=job, by=by, reason="colour flag named")
