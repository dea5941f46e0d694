from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from coopreview.core.health import health_report
from coopreview.recommendations.models import PriorityFlag
from coopreview.recommendations.selectors import recommendations_visible_to, sources_visible_to


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    sources = sources_visible_to(user=request.user).order_by("-date")
    visible = recommendations_visible_to(user=request.user)
    context = {"sources": sources, "recommendation_count": visible.count()}
    return render(request, "core/home.html", context)


@require_GET
@cache_control(max_age=300)
def flags_css(request: HttpRequest) -> HttpResponse:
    """Flag colours are data; a generated stylesheet keeps them out of inline styles (strict CSP)."""
    rules = [
        f".flag-{f.pk}{{--flag-colour:{f.colour}}}\n.row-flag-{f.pk}{{background-color:{f.colour}}}"
        for f in PriorityFlag.objects.only("pk", "colour")
    ]
    return HttpResponse("\n".join(rules), content_type="text/css")


def _error(request: HttpRequest, status: int) -> HttpResponse:
    if not hasattr(request, "user"):  # refused before authentication ran (e.g. a Host not allowed)
        request.user = AnonymousUser()
    return render(request, "core/error.html", {"status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)


@require_safe  # GET and HEAD: some load balancers probe with HEAD
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Database, search index, job queue, disk: 200 when all are healthy, 503 otherwise. No login: load
    balancers and monitors call it; it reveals no paths, versions or secrets."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
