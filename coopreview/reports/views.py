"""Downloads of reports from the web: the same builders and visibility as the command line."""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_download_if_non_public
from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.forms import RecommendationFilterForm
from coopreview.reports import followup_bridge
from coopreview.reports.builders import ReportError, ReportOptions, build_report, report_recommendation_ids
from coopreview.reports.enums import MEDIA_TYPES, Column, ReportFormat, ReportName
from coopreview.reports.exporters import render_bytes
from coopreview.reports.forms import ReportParamsForm

FILTER_KEYS = ("q", "source", "section", "addressee", "organ", "flag", "theme", "visibility")


def _filter_form(request: HttpRequest) -> RecommendationFilterForm:
    data = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    return RecommendationFilterForm(
        data,
        sources=rec_selectors.sources_visible_to(user=request.user),
        sections=rec_selectors.sections_visible_to(user=request.user),
    )


def _filename(report, fmt: str) -> str:
    doc = report.doc
    parts = [
        doc.kind,
        doc.symbol.split(",")[0],
        getattr(report, "filename_extra", ""),
        doc.lang,
        str(doc.date),
    ]
    stem = "-".join(re.sub(r"[^A-Za-z0-9.]+", "-", p).strip("-") for p in parts if p)
    return f"{stem}.{fmt}"


def _bad_request(request: HttpRequest, errors: list[str]) -> HttpResponse:
    return render(request, "reports/error.html", {"errors": errors}, status=400)


@require_GET
def report_download_view(request: HttpRequest) -> HttpResponse:
    """GET /reports/download/?report=annex&format=pdf&lang=fr&as_of=…&<the list's filters>"""
    data = request.GET.copy()
    data.setdefault("lang", get_language() or "en")
    if "columns" in request.GET:
        data["columns"] = ",".join(request.GET.getlist("columns"))
    params = ReportParamsForm(data)
    filters = _filter_form(request)
    errors = []
    if not params.is_valid():
        errors += params.errors_text().splitlines()
    if not filters.is_valid():
        errors += [f"{name}: {' '.join(e)}" for name, e in filters.errors.items()]
    if errors:
        return _bad_request(request, errors)
    p = params.cleaned_data
    options = ReportOptions(
        user=request.user,
        lang=p["lang"] or "en",
        as_of=p["as_of"],
        since=p["since"],
        filters=filters.to_filters(),
        columns=p["columns"],
        reference=p["reference"],
        title=p["title"],
    )
    try:
        report = build_report(p["report"], options)
        extra = {"sheet_per_cluster": p["sheet_per_cluster"]} if p["format"] == ReportFormat.XLSX else {}
        content = _render(report, p["format"], extra)
    except ReportError as exc:
        return _bad_request(request, [str(exc)])
    filename = _filename(report, p["format"])
    audit_download_if_non_public(
        action=AuditAction.DOWNLOAD,
        recommendation_ids=report_recommendation_ids(report),
        what=filename,
        detail={"report": p["report"], "format": p["format"], "query": request.GET.urlencode()[:500]},
    )
    response = HttpResponse(content, content_type=MEDIA_TYPES[p["format"]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _render(report, fmt: str, extra: dict) -> bytes:
    if fmt == ReportFormat.XLSX:
        from coopreview.reports.exporters.to_xlsx import render_xlsx

        return render_xlsx(report, **extra)
    return render_bytes(report, fmt)


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
