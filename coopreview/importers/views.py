import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.core.access import get_or_404, require_perm
from coopreview.core.exceptions import ServiceError
from coopreview.importers import exporters, jobs, selectors, services
from coopreview.importers.enums import JobStatus
from coopreview.importers.forms import ColourFlagForm, NameMappingForm, UploadForm
from coopreview.importers.models import ImportJob
from coopreview.importers.organisations import name_mapping_confirm

SHOWN = 1000  # records listed in the preview; the counts cover all
SHOWN_NAMES = 100  # unknown names offered for mapping in the preview


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
        "unknown_names": (job.preview or {}).get("unknown_names", [])[:SHOWN_NAMES],
        "fill_colours": [
            {**c, "current": job.colour_flags.get(c["flag"], c["flag"])}
            for c in (job.preview or {}).get("fill_colours", [])
        ],
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


def _preview_answer_refused(
    request: HttpRequest, job: ImportJob, form, *, listed: str, field: str, message: str
) -> HttpResponse | None:
    """The preview again with a 409/422 when the job is not ready or the answer is not about an item
    the preview lists under `listed`; None when the answer can be taken."""
    items = {item[field] for item in (job.preview or {}).get(listed, [])}
    if job.status != JobStatus.READY:
        return render(request, "importers/preview.html", _preview_context(job), status=409)
    if not form.is_valid() or form.cleaned_data[field] not in items:
        return render(request, "importers/preview.html", _preview_context(job, error=message), status=422)
    return None


@login_required
@require_POST
def name_mapping_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm what an unknown name means; remembered for later imports, and the preview is redone."""
    job = _job(request, pk)
    form = NameMappingForm(request.POST)
    message = _("Choose an organisation or State code for a name listed in this preview.")
    if refused := _preview_answer_refused(
        request, job, form, listed="unknown_names", field="name", message=message
    ):
        return refused
    data = form.cleaned_data
    try:
        org = name_mapping_confirm(name=data["name"], code=data["code"], by=request.user)
    except ServiceError as exc:
        return render(request, "importers/preview.html", _preview_context(job, error=str(exc)), status=422)
    jobs.import_job_parse_again(job=job, by=request.user, reason="name mapped")
    messages.success(
        request,
        _("“%(name)s” now means %(org)s, in this import and the next ones.")
        % {"name": data["name"], "org": org.name},
    )
    return redirect("importers:preview", pk=job.pk)


@login_required
@require_POST
def colour_flag_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the flag of the rows shaded in one colour; the preview is redone with it."""
    job = _job(request, pk)
    form = ColourFlagForm(request.POST)
    message = _("Give a flag name for a colour listed in this preview.")
    if refused := _preview_answer_refused(
        request, job, form, listed="fill_colours", field="flag", message=message
    ):
        return refused
    jobs.import_job_name_colour_flag(
        job=job, flag=form.cleaned_data["flag"], name=form.cleaned_data["name"], by=request.user
    )
    return redirect("importers:preview", pk=job.pk)


@login_required
@require_POST
def source_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the missing source on the preview itself, and see the preview again."""
    job = _job(request, pk)
    try:
        jobs.import_job_set_source(job=job, symbol=request.POST.get("source", ""), by=request.user)
    except ServiceError as exc:
        job.refresh_from_db()
        return render(request, "importers/preview.html", _preview_context(job, error=str(exc)), status=422)
    return redirect("importers:preview", pk=job.pk)


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
