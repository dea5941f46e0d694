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
