"""A report asked for by query parameters, made into a file: the one path of the web page (built in the
request) and of the background job (built by a worker, for a large selection). Both call the same
builders with the same user (an anonymous visitor's AnonymousUser too), so visibility and the
past-access rule (accounts/layers.py) hold identically."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopreview.accounts.selectors import AnyUser
from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.forms import RecommendationFilterForm
from coopreview.reports.builders import ReportError, ReportOptions, build_report, report_recommendation_ids
from coopreview.reports.enums import MEDIA_TYPES, ReportFormat
from coopreview.reports.exporters import render_bytes
from coopreview.reports.forms import ReportParamsForm

FILTER_KEYS = ("q", "source", "section", "addressee", "organ", "flag", "theme", "visibility")
PARAM_KEYS = tuple(ReportParamsForm.base_fields)


class ReportRequestError(ReportError):
    """Bad parameters: one line per problem, naming the parameter."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ReportRequest:
    params: dict  # the cleaned ReportParamsForm
    options: ReportOptions


@dataclass
class MadeReport:
    content: bytes
    filename: str
    media_type: str
    recommendation_ids: list[int]


def report_query(query: QueryDict) -> dict[str, list[str]]:
    """The parameters that shape a report, and only those: what a job keeps and what its key hashes."""
    keys = sorted(set(FILTER_KEYS) | set(PARAM_KEYS))
    return {key: query.getlist(key) for key in keys if any(v != "" for v in query.getlist(key))}


def query_from(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


def report_request(*, query: QueryDict, user: AnyUser) -> ReportRequest:
    """Validate the parameters (the report's and the list's filters, among what `user` may see)."""
    data = query.copy()
    if "columns" in query:
        data["columns"] = ",".join(query.getlist("columns"))
    params = ReportParamsForm(data)
    filters = RecommendationFilterForm(
        {key: query.get(key, "") for key in FILTER_KEYS},
        sources=rec_selectors.sources_visible_to(user=user),
        sections=rec_selectors.sections_visible_to(user=user),
    )
    errors = []
    if not params.is_valid():
        errors += params.errors_text().splitlines()
    if not filters.is_valid():
        errors += [f"{name}: {' '.join(e)}" for name, e in filters.errors.items()]
    if errors:
        raise ReportRequestError(errors)
    p = params.cleaned_data
    options = ReportOptions(
        user=user,
        lang=p["lang"] or "en",
        as_of=p["as_of"],
        since=p["since"],
        filters=filters.to_filters(),
        columns=p["columns"],
        reference=p["reference"],
        title=p["title"],
    )
    return ReportRequest(params=p, options=options)


def report_size(request: ReportRequest, *, at_most: int) -> int:
    """How many recommendations the report selects, counted up to `at_most` (enough to decide)."""
    qs = rec_selectors.recommendation_count_set(user=request.options.user, filters=request.options.filters)
    return qs.order_by().values("pk")[:at_most].count()


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


def report_make(request: ReportRequest, *, progress=None) -> MadeReport:
    """Build and lay out the report; raises ReportError (nothing to report, dates out of range…).
    `progress(done, total, message)` hears of the two steps (reading, then laying out)."""
    p = request.params
    if progress:
        progress(0, 2, _("Reading the recommendations"))
    report = build_report(p["report"], request.options)
    ids = report_recommendation_ids(report)
    if progress:
        progress(1, 2, ngettext("Laying out %(n)s recommendation", "Laying out %(n)s recommendations",
                                len(ids)) % {"n": len(ids)})  # fmt: skip
    extra = {"sheet_per_cluster": p["sheet_per_cluster"]} if p["format"] == ReportFormat.XLSX else {}
    if p["format"] == ReportFormat.XLSX:
        from coopreview.reports.exporters.to_xlsx import render_xlsx

        content = render_xlsx(report, **extra)
    else:
        content = render_bytes(report, p["format"])
    return MadeReport(content, _filename(report, p["format"]), MEDIA_TYPES[p["format"]], ids)
