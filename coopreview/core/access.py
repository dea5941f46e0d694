"""Access helpers for views: 404 what the user may not see, 403 what they may not do."""

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

T = TypeVar("T")


def get_or_404(fetch: Callable[[], T]) -> T:
    try:
        return fetch()
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def require_perm(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def safe_next(request, fallback: str) -> str:
    """The `next` address of a form if it stays on this site (no open redirect), else `fallback`."""
    from django.utils.http import url_has_allowed_host_and_scheme

    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and allowed else fallback
