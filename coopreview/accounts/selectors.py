"""Reads about who a user is: their roles and organisations, memoised on the user object per request."""

import time

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import get_language

from coopreview.accounts.enums import EDITOR_ROLES, MEMBER_ROLES, Role
from coopreview.accounts.models import Organisation

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
_names: dict[str, tuple[float, dict[str, tuple[str, str]]]] = {}


def organisation_names_by_code(codes) -> dict[str, str]:
    """Display names (current language) of the organisations with these codes, from a per-process copy
    refreshed every few minutes: facet labels on every search must not cost a query."""
    now = time.monotonic()
    stamp, names = _names.get("all", (0.0, {}))
    wanted = [c for c in codes if c]
    if now - stamp > _NAMES_TTL or any(c not in names for c in wanted):
        names = {
            code: (name, name_fr)
            for code, name, name_fr in Organisation.objects.values_list("code", "name", "name_fr")
        }
        _names["all"] = (now, names)
    french = get_language() == "fr"
    return {c: (names[c][1] if french and names[c][1] else names[c][0]) for c in wanted if c in names}
