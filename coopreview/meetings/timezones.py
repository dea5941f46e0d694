"""Show times in each user's time zone: a middleware (in the project's MIDDLEWARE: every page) and the
same as a view decorator, for a project that leaves the middleware out."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from coopreview.meetings.selectors import user_time_zone


def with_user_time_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        tz = user_time_zone(request.user)
        if tz is None:
            return view(request, *args, **kwargs)
        with timezone.override(tz):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    return wrapper


class UserTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return with_user_time_zone(self.get_response)(request)
