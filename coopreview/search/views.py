from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coopreview.search.selectors import FACETS, filter_errors, search

PAGE_SIZE = 20


def _toggle_url(request: HttpRequest, name: str, value: str) -> str:
    """The current search with one facet value added or removed (built here, not by a template tag per
    link: a page holds up to 180 facet links and the tag cost more than the search itself)."""
    params = {k: request.GET.getlist(k) for k in request.GET if k != "page"}
    values = params.get(name, [])
    params[name] = [v for v in values if v != value] if value in values else [*values, value]
    return "?" + urlencode([(k, v) for k, vs in params.items() for v in vs])


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:500]
    filters = {name: request.GET.getlist(name) for name in FACETS if request.GET.getlist(name)}
    errors = filter_errors(filters)
    for name, value, _message in errors:  # searched without them, and the page says which were left out
        filters[name] = [v for v in filters[name] if v != value]
    filters = {name: values for name, values in filters.items() if values}
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    results = search(
        query=query, user=request.user, filters=filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    context = {
        "results": results,
        "query": query,
        "filters": filters,
        "page": page,
        "facet_groups": [
            (
                name,
                [(value, _toggle_url(request, name, value.value)) for value in results.facets.get(name, [])],
            )
            for name in FACETS
        ],
        "next_page": page + 1 if results.has_next else None,
        "previous_page": page - 1 if page > 1 else None,
        "filter_errors": [message for _name, _value, message in errors],
    }
    template = "search/_results.html" if request.htmx else "search/search.html"
    return render(request, template, context, status=400 if errors else 200)
