"""Downloads of reports from the web: the same builders and visibility as the command line."""

import re

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_download_if_non_public
from coopreview.core.access import get_or_404
from coopreview.jobs.enums import JobState
from coopreview.reports import followup_bridge
from coopreview.reports import jobs as report_jobs
from coopreview.reports.builders import ReportError
from coopreview.reports.enums import Column, ReportFormat, ReportName
from coopreview.reports.making import (
    FILTER_KEYS,
    ReportRequestError,
    query_from,
    report_make,
    report_request,
    report_size,
)


def _bad_request(request: HttpRequest, errors: list[str], *, status: int = 400) -> HttpResponse:
    return render(request, "reports/error.html", {"errors": errors}, status=status)


@require_GET
def report_download_view(request: HttpRequest) -> HttpResponse:
    """GET /reports/download/?report=annex&format=pdf&lang=fr&as_of=…&<the list's filters>

    Built in the request up to REPORTS_JOB_THRESHOLD recommendations; above, by a worker: the visitor
    is sent to the job's page, which follows its progress and offers the file."""
    query = request.GET.copy()
    query.setdefault("lang", get_language() or "en")
    try:
        req = report_request(query=query, user=request.user)
    except ReportRequestError as exc:
        return _bad_request(request, exc.errors)
    if req.params["report"] in report_jobs.JOB_REPORTS:
        threshold = settings.REPORTS_JOB_THRESHOLD
        size = report_size(req, at_most=threshold + 1)
        if size > threshold:
            try:
                job = report_jobs.report_job_start(request=request, query=query, req=req, size=threshold)
            except report_jobs.TooManyReportJobs as exc:
                return _bad_request(request, [str(exc)], status=429)
            return redirect("reports:job", pk=job.pk, permanent=False)
    try:
        made = report_make(req)
    except ReportError as exc:
        return _bad_request(request, [str(exc)])
    _audit(made.filename, made.recommendation_ids, {"report": req.params["report"],
           "format": req.params["format"], "query": request.GET.urlencode()[:500]})  # fmt: skip
    response = HttpResponse(made.content, content_type=made.media_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


def _audit(filename: str, ids: list[int], detail: dict) -> None:
    audit_download_if_non_public(
        action=AuditAction.DOWNLOAD, recommendation_ids=ids, what=filename, detail=detail
    )


@require_GET
def report_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A report being built in the background: its progress (polled by htmx), then its file."""
    job = get_or_404(lambda: report_jobs.report_job_get(request=request, pk=pk))
    again = reverse("reports:download") + "?" + query_from(job.params.get("query", {})).urlencode()
    template = "reports/_job.html" if request.htmx else "reports/job.html"
    return render(request, template, {"job": job, "again": again})


@require_GET
def report_job_file_view(request: HttpRequest, pk: int) -> FileResponse:
    """The finished report's file, to its owner (or the anonymous session that asked) only."""
    job = get_or_404(lambda: report_jobs.report_job_get(request=request, pk=pk))
    if job.state != JobState.DONE or not job.result_file or job.expired:
        raise Http404
    result = job.result
    filename = result.get("filename") or job.result_file.name.rsplit("/", 1)[-1]
    _audit(filename, result.get("non_public", []), {"report": result.get("report"),
           "format": result.get("format"), "job": job.pk})  # fmt: skip
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type=result.get("media_type") or "application/octet-stream")  # fmt: skip


def _choices(enum) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in enum.choices]


def list_download_buttons(request: HttpRequest) -> str:
    """Above the recommendation list: download the annex or the progress report of what is listed."""
    kept = [(key, request.GET.get(key)) for key in FILTER_KEYS if request.GET.get(key)]
    as_of = request.GET.get("as_of", "")
    as_of = as_of if re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of) else ""  # a page shown as of a date
    reports = [(ReportName.ANNEX.value, str(ReportName.ANNEX.label))]
    if followup_bridge.available():
        reports.append((ReportName.PROGRESS.value, str(ReportName.PROGRESS.label)))
    columns = [(value, str(label)) for value, label in Column.choices]
    if not followup_bridge.available():
        columns = [(v, label) for v, label in columns if v not in ("status", "lead", "views")]
    context = {
        "kept": kept,
        "keep": " ".join(FILTER_KEYS),
        "reports": reports,
        "formats": _choices(ReportFormat),
        "columns": columns,
        "default_columns": ["reference", "text", "addressee", "flags"],
        "as_of": as_of,
        "lang": get_language(),
        "today": timezone.localdate().isoformat(),
    }
    return render_to_string("reports/_list_downloads.html", context, request=request)


def recommendation_panel(request: HttpRequest, recommendation) -> str:
    """On the recommendation page: the sheet of this record in each format."""
    as_of = request.GET.get("as_of", "")
    as_of = as_of if re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of) else ""  # the page shown as of a date
    context = {
        "rec": recommendation,
        "formats": _choices(ReportFormat),
        "lang": get_language(),
        "as_of": as_of,
    }
    with translation.override(get_language()):
        return render_to_string("reports/_sheet_panel.html", context, request=request)
