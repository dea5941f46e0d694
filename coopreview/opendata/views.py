"""Open data: the public recommendations as CSV and JSON, with the list page's filters, and one stable
address per source. The same files for everybody (signed in or not): public records only."""

import re
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from coopreview.core.access import get_or_404
from coopreview.opendata import selectors
from coopreview.opendata.streams import CHUNK, csv_chunks, json_chunks
from coopreview.recommendations.forms import RecommendationFilterForm
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import RecommendationFilters

FILTER_KEYS = ("q", "source", "section", "addressee", "organ", "flag", "theme", "visibility", "sort")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _stream(records, *, fmt: str, filename: str) -> StreamingHttpResponse:
    rows: Iterator[Recommendation] = records.iterator(chunk_size=CHUNK)
    chunks = csv_chunks(rows) if fmt == "csv" else json_chunks(rows)
    response = StreamingHttpResponse((c.encode() for c in chunks), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    # Public records, no credentials involved: any site may read them (open data portals, notebooks).
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    sources = list(selectors.public_sources())
    return render(request, "opendata/index.html", {"sources": sources})


@require_GET
def recommendations_download_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET /open-data/recommendations.csv?<the list's filters>: the public records they select."""
    sources, sections = selectors.filter_querysets()
    data = {key: request.GET.get(key, "") for key in FILTER_KEYS}
    form = RecommendationFilterForm(data, sources=sources, sections=sections)
    if not form.is_valid():
        errors = [
            f"{form.fields[name].label}: {' '.join(messages)}" for name, messages in form.errors.items()
        ]
        return render(request, "opendata/error.html", {"errors": errors}, status=400)
    records = selectors.public_recommendations(filters=form.to_filters())
    stamp = timezone.localdate().isoformat()
    return _stream(records, fmt=fmt, filename=f"recommendations-public-{stamp}")


@require_GET
def source_download_view(request: HttpRequest, symbol: str, fmt: str) -> HttpResponse:
    """GET /open-data/sources/<symbol>.csv|json: the stable address of one source's public records."""
    source = get_or_404(lambda: selectors.public_source(symbol=symbol))
    records = selectors.public_recommendations(filters=RecommendationFilters(source=source))
    stem = re.sub(r"[^A-Za-z0-9.]+", "-", source.symbol).strip("-") or "source"
    return _stream(records, fmt=fmt, filename=stem)


def list_download_links(request: HttpRequest) -> str:
    """Above the recommendation list: this selection's public records as CSV or JSON."""
    kept = [(key, request.GET.get(key)) for key in FILTER_KEYS if request.GET.get(key)]
    context = {"kept": kept, "keep": " ".join(FILTER_KEYS)}
    return render_to_string("opendata/_list_links.html", context, request=request)
