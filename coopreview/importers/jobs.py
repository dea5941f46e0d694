"""The web flow of an import: upload → (background) parse and plan → preview → apply or cancel.

Uploaded files are written under MEDIA_ROOT/imports with a random name and no extension (outside
the web root, never served nor executed) and deleted once the job is applied, cancelled or failed.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils.translation import gettext as _

from coopreview.core.exceptions import ServiceError
from coopreview.core.history import save_with_history
from coopreview.importers import services
from coopreview.importers.enums import JobStatus
from coopreview.importers.models import ImportJob
from coopreview.importers.parsers.base import ImportFileError
from coopreview.importers.parsers.limits import check_preview

logger = logging.getLogger(__name__)


def upload_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@transaction.atomic
def import_job_create(
    *, by: User, upload: UploadedFile, source: str, format: str, mark_flag: str
) -> ImportJob:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise services.ImportRefused(
            _("%(file)s: the file is larger than %(max)s MB.")
            % {"file": upload.name, "max": round(settings.UPLOAD_MAX_BYTES / 1048576, 1)}
        )
    path = upload_dir() / uuid.uuid4().hex
    with path.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    path.chmod(0o600)
    job = ImportJob(
        uploaded_by=by,
        file_name=Path(upload.name).name[:255],
        stored_path=str(path),
        format=format if format != "auto" else "",
        source_symbol=source,
        mark_flag=mark_flag or services.MARK_FLAG_DEFAULT,
    )
    return save_with_history(job, by=by, reason="upload")


def _plan_for(job: ImportJob, progress=None) -> services.ImportPlan:
    used, result = services.parse_file(
        Path(job.stored_path), file=job.file_name, format=job.format or "auto", progress=progress,
        max_bytes=settings.UPLOAD_MAX_BYTES,
    )  # fmt: skip
    job.format = used
    return services.build_plan(
        result=result, file=job.file_name, format=used, source=job.source_symbol, mark_flag=job.mark_flag,
        colour_flags=job.colour_flags,
    )  # fmt: skip


def import_job_parse(*, job: ImportJob) -> ImportJob:
    """Parse and plan; the preview is stored on the job. Failures are stored as the job's error."""
    last = {"done": -1}

    def progress(done: int, total: int) -> None:
        if done - last["done"] >= max(1, total // 50) or done == total:
            last["done"] = done
            ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    try:
        plan = _plan_for(job, progress)
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
        job.progress_done = job.progress_total = max(job.progress_total, 1)
    job.save(
        update_fields=[
            "status",
            "error",
            "preview",
            "format",
            "stored_path",
            "progress_done",
            "progress_total",
            "updated_at",
        ]
    )
    return job


def import_job_set_source(*, job: ImportJob, symbol: str) -> ImportJob:
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
    job.save(update_fields=["source_symbol", "updated_at"])
    return import_job_parse(job=job)


def import_job_parse_in_background(*, job: ImportJob) -> None:
    def run() -> None:
        try:
            import_job_parse(job=ImportJob.objects.get(pk=job.pk))
        except Exception:  # never leave a job spinning
            logger.exception("import job %s failed", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED,
                error=_("%(file)s: the file could not be read.") % {"file": job.file_name},
            )
        finally:
            connections.close_all()  # this thread's own connections: it ends here, they must not outlive it

    threading.Thread(target=run, name=f"import-{job.pk}", daemon=True).start()


def import_job_apply(*, job: ImportJob, by: User) -> dict[str, int]:
    """Re-read the file and apply it, refusing if the result differs from the preview the user saw."""
    if job.status != JobStatus.READY:
        raise services.ImportRefused(_("This import is not ready to apply."))
    return _apply(job, by=by)


def _apply(job: ImportJob, *, by: User, progress=None) -> dict[str, int]:
    plan = _plan_for(job)
    if plan.as_json() != {k: v for k, v in job.preview.items() if k != "applied"}:
        job.preview = plan.as_json()
        job.status = JobStatus.READY
        job.save(update_fields=["preview", "status", "updated_at"])
        raise services.ImportRefused(
            _(
                "The recommendations changed since the preview was made; "
                "review the new preview and confirm again."
            )
        )
    counts = services.plan_apply(plan=plan, by=by, progress=progress)
    job.status = JobStatus.APPLIED
    job.preview = {**job.preview, "applied": counts}
    job.error = ""
    _discard(job)
    save_with_history(job, by=by, reason="applied")
    return counts


def import_job_apply_in_background(*, job: ImportJob, by: User) -> None:
    """Apply in a thread; the page polls the progress. On refusal the job is ready again, with the reason."""
    if job.status != JobStatus.READY:
        raise services.ImportRefused(_("This import is not ready to apply."))
    total = job.preview["counts"]["new"] + job.preview["counts"]["changed"]
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.APPLYING, progress_done=0, progress_total=max(total, 1), error=""
    )

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    def run() -> None:
        current = ImportJob.objects.get(pk=job.pk)
        try:
            _apply(current, by=by, progress=progress)
        except services.ImportRefused as exc:
            ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.READY, error=str(exc))
        except Exception:  # never leave a job spinning; the transaction was rolled back
            logger.exception("import job %s failed while applying", job.pk)
            ImportJob.objects.filter(pk=job.pk).update(
                status=JobStatus.READY,
                error=_("%(file)s: applying failed; nothing was written.") % {"file": job.file_name},
            )
        finally:
            connections.close_all()

    threading.Thread(target=run, name=f"import-apply-{job.pk}", daemon=True).start()


def import_job_cancel(*, job: ImportJob, by: User) -> ImportJob:
    if job.status in (JobStatus.APPLIED, JobStatus.CANCELLED):
        return job
    job.status = JobStatus.CANCELLED
    _discard(job)
    return save_with_history(job, by=by, reason="cancelled")


def _discard(job: ImportJob) -> None:
    if job.stored_path:
        Path(job.stored_path).unlink(missing_ok=True)
        job.stored_path = ""


def import_job_name_colour_flag(*, job: ImportJob, flag: str, name: str, by: User) -> ImportJob:
    """Rows shaded in one colour get the flag `name` instead of `flag`; the preview is redone."""
    job.colour_flags = {**job.colour_flags, flag: name.strip()}
    save_with_history(job, by=by, reason="colour flag named")
    return import_job_parse(job=job)
