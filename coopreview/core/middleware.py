import gc
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# No inline script or style anywhere, so this strict policy holds on every page.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):  # the admin ships inline scripts of its own
            response.setdefault("Content-Security-Policy", CSP)
        return response


_warm_up = {"left": None}  # responses before the freeze, for the whole process (None: not read yet)


class FreezeWarmHeapMiddleware:
    """After the process's first GC_FREEZE_AFTER responses, collect once and move every object it holds
    then (modules, compiled templates, URL resolvers, per-process copies) out of the garbage
    collector's reach (gc.freeze). Once per process, however many handlers (test clients) it builds.

    Python's full collection walks every tracked object: ~170,000 once a worker has served a few pages,
    60-220 ms a collection on the bench machine, and one comes every ~17 list pages, so one request in
    twenty paid it (the list page's p95 3-4x its median). Frozen objects are never freed, which is what
    these long-lived ones are; a request's own garbage is still collected. GC_FREEZE_AFTER=0: never."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        left = _warm_up["left"]
        if left is None:
            from django.conf import settings

            left = settings.GC_FREEZE_AFTER
        if left > 0:
            left -= 1  # threads may both reach 0: a second freeze is harmless
            if left == 0:
                gc.collect()  # the warm-up's garbage is freed, not frozen
                gc.freeze()
        _warm_up["left"] = left
        return response
