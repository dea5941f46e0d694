import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.core.access import get_or_404, require_perm
from coopreview.importers import exporters, jobs, selectors, services
from coopreview.importers.enums import JobStatus
from coopreview.importers.forms import UploadForm
from coopreview.importers.models import ImportJob

SHOWN = 1000  # records listed in the preview; the counts cover all


def _job(request: HttpRequest, pk: int) -> ImportJob:
    require_perm(request.user, "importers.import_recommendations")
    return get_or_404(lambda: selectors.import_jobs_for(user=request.user).get(pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def upload_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "importers.import_recommendations")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = jobs.import_job_create(
                by=request.user, upload=data["file"], source=data["source"], format=data["format"],
                mark_flag=data["mark_flag"],
            )  # fmt: skip
        except services.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            if job.status == JobStatus.FAILED:  # read at once (a worker was free, or jobs run inline)
                form.add_error("file", job.error)
            else:
                return redirect("importers:preview", pk=job.pk)
    status = 422 if form.is_bound else 200
    context = {"form": form, "max_mb": round(settings.UPLOAD_MAX_BYTES / 1048576, 1)}
    return render(request, "importers/upload.html", context, status=status)


def _preview_context(job: ImportJob, **extra) -> dict:
    changed = [r for r in (job.preview or {}).get("records", []) if r["status"] != "unchanged"]
    return {
        "job": job,
        "preview": job.preview,
        "shown": changed[:SHOWN],
        "hidden": max(0, len(changed) - SHOWN),
        **extra,
    }


@login_required
@require_GET
def preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    busy = job.status in (JobStatus.PARSING, JobStatus.APPLYING)
    template = "importers/_progress.html" if request.htmx and busy else "importers/preview.html"
    response = render(request, template, _preview_context(job))
    if request.htmx and not busy:
        response["HX-Refresh"] = "true"  # finished: reload the whole page
    return response


@login_required
@require_POST
def apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        jobs.import_job_apply(job=job, by=request.user)
    except services.ImportRefused as exc:
        job.refresh_from_db()
        return render(request, "importers/preview.html", _preview_context(job, error=str(exc)), status=409)
    job.refresh_from_db()
    if job.status == JobStatus.READY and job.error:  # refused at once (the job ran inline)
        return render(request, "importers/preview.html", _preview_context(job, error=job.error), status=409)
    if job.status != JobStatus.APPLIED:  # the page follows the job, then shows the outcome
        return redirect("importers:preview", pk=job.pk)
    counts = job.preview["applied"]
    messages.success(
        request,
        _("%(file)s imported: %(new)s new, %(changed)s changed.")
        % {"file": job.file_name, "new": counts["new"], "changed": counts["changed"]},
    )
    return redirect("recommendations:list")


@login_required
@require_POST
def cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    jobs.import_job_cancel(job=job, by=request.user)
    messages.info(request, _("Import of %(file)s cancelled; the file was deleted.") % {"file": job.file_name})
    return redirect("importers:upload")


@login_required
@require_GET
def template_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "importers.import_recommendations")
    buffer = io.BytesIO()
    exporters.write_xlsx([], buffer, template=True)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="coopreview-import-template.xlsx"'
    return response
