"""Show times in each user's time zone: a middleware (in the project's MIDDLEWARE: every page) and the
same as a view decorator, for a project that leaves the middleware out."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from coopreview.meetings.selectors import user_language, user_time_zone


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


APPLIED = "coopreview_language_applied"


class UserLanguageMiddleware:
    """Once per sign-in, switch the pages to the language the user chose in their preferences (and keep
    it in the language cookie, so that the EN/FR switch still works afterwards)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.session.get(APPLIED):
            # The preference is read once per request anyway (the time-zone middleware, cached on the
            # user); the session is written only when there is a language to apply, so a user who chose
            # none does not pay a session save (3 queries) on their first page after each sign-in.
            chosen = user_language(user)
            if chosen:
                request.session[APPLIED] = True
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        if chosen:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
        return response
