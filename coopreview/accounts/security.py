"""Middleware of sign-in security: idle sessions end; users who must use two factors give the second
one (or enrol) before any other page."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from coopreview.accounts.mfa import ENROLLED_KEY, user_has_mfa, user_requires_mfa

LAST_SEEN_KEY = "coopreview_last_seen"
# The last-seen time is written at most this often: not a session write on every request.
LAST_SEEN_GRANULARITY = 60


class SessionIdleTimeoutMiddleware:
    """Signs out a session not used for SESSION_IDLE_TIMEOUT seconds (0: off)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = settings.SESSION_IDLE_TIMEOUT
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > timeout:
                logout(request)
                if request.method == "GET" and not request.headers.get("HX-Request"):
                    query = urlencode({"next": request.get_full_path(), "idle": "1"})
                    return redirect(f"{reverse('login')}?{query}")
            elif last_seen is None or now - last_seen >= min(LAST_SEEN_GRANULARITY, timeout):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("accounts:mfa-setup"),
        reverse("accounts:mfa-verify"),
        reverse("logout"),
        "/i18n/",
        "/jsi18n/",
        settings.STATIC_URL,
        reverse("flags-css"),
    )


def _enrolled(request: HttpRequest) -> bool:
    """Whether the user has an authenticator app: noted at sign-in (mfa.py), else looked up once."""
    enrolled = request.session.get(ENROLLED_KEY)
    if enrolled is None:
        enrolled = request.session[ENROLLED_KEY] = user_has_mfa(request.user)
    return enrolled


class TwoFactorRequiredMiddleware:
    """A user signed in with a password only reaches nothing but the two-factor pages when they have an
    authenticator app (the code page) or, with MFA_REQUIRED on, when their role requires one: an
    administrator, editor or Court focal point (the code page, or enrolment if they have no app)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_exempt_prefixes())
            and (_enrolled(request) or user_requires_mfa(user))
        ):
            target = "accounts:mfa-verify" if _enrolled(request) else "accounts:mfa-setup"
            url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        return self.get_response(request)
