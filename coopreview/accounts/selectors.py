"""Reads about who a user is: their roles and organisations, memoised on the user object per request."""

import time

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.utils.translation import get_language

from coopreview.accounts.enums import EDITOR_ROLES, MEMBER_ROLES, Role
from coopreview.accounts.models import Organisation
from coopreview.core.reference import ReferenceRows, bump

AnyUser = User | AnonymousUser


def user_roles(user: AnyUser) -> frozenset[tuple[str, int]]:
    """(role, organisation id) pairs of `user`; superusers count as administrators."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_coopreview_roles", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("role", "organisation_id"))
        user._coopreview_roles = cached
    return cached


def user_has_role(user: AnyUser, *roles: str) -> bool:
    if user.is_authenticated and user.is_superuser and Role.ADMINISTRATOR in roles:
        return True
    return any(role in roles for role, _ in user_roles(user))


def user_is_editor(user: AnyUser) -> bool:
    """Administrators and Review Mechanism editors manage the registry as a whole."""
    return user.is_authenticated and (user.is_superuser or user_has_role(user, *EDITOR_ROLES))


def user_is_member(user: AnyUser) -> bool:
    """Signed-in users of the "States Parties and Court" access layer."""
    return user.is_authenticated and (user.is_superuser or user_has_role(user, *MEMBER_ROLES))


def user_organisation_ids(user: AnyUser, *roles: str) -> frozenset[int]:
    """Organisations where `user` holds any role (or one of `roles`)."""
    return frozenset(org for role, org in user_roles(user) if not roles or role in roles)


def organisations_for_select(*, kinds: list[str] | None = None):
    qs = Organisation.objects.all()
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("kind", "name")


_NAMES_TTL = 300.0  # seconds: names of organisations change rarely; labels may lag a rename this long
_names: dict[str, tuple[float, int, dict[str, tuple[str, str]]]] = {}
NAMES_VERSION_KEY = "accounts:organisation-names:version"


# Every organisation, for the write forms' check of chosen addressees (core.reference); read again
# with the names below.
ORGANISATIONS = ReferenceRows(lambda: Organisation.objects.all(), NAMES_VERSION_KEY)


def organisation_names_invalidate() -> None:
    """Tell every process (every server, through the shared cache when CACHE_URL is set) that the
    organisations changed: their copies of the names and of the rows are read again on next use."""
    bump(NAMES_VERSION_KEY)


def organisation_names_by_code(codes) -> dict[str, str]:
    """Display names (current language) of the organisations with these codes, from a per-process copy
    that is read again when an organisation is saved anywhere (a version number in Django's cache,
    shared between servers with Redis) or after a few minutes: facet labels on every search must not
    cost a query."""
    now = time.monotonic()
    version = cache.get(NAMES_VERSION_KEY, 0)
    stamp, seen, names = _names.get("all", (0.0, -1, {}))
    wanted = [c for c in codes if c]
    if now - stamp > _NAMES_TTL or seen != version or any(c not in names for c in wanted):
        names = {
            code: (name, name_fr)
            for code, name, name_fr in Organisation.objects.values_list("code", "name", "name_fr")
        }
        _names["all"] = (now, version, names)
    french = get_language() == "fr"
    return {c: (names[c][1] if french and names[c][1] else names[c][0]) for c in wanted if c in names}
