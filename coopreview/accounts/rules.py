"""Predicates about the acting user, shared by every app's rules."""

import rules

from coopreview.accounts import selectors
from coopreview.accounts.enums import Role


@rules.predicate
def is_editor(user) -> bool:
    return selectors.user_is_editor(user)


@rules.predicate
def is_member(user) -> bool:
    return selectors.user_is_member(user)


@rules.predicate
def is_facilitator(user) -> bool:
    return selectors.user_has_role(user, Role.FACILITATOR)


@rules.predicate
def is_court_focal_point(user) -> bool:
    return selectors.user_has_role(user, Role.COURT_FOCAL_POINT)


@rules.predicate
def is_state_focal_point(user) -> bool:
    return selectors.user_has_role(user, Role.STATE_FOCAL_POINT)


@rules.predicate
def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or selectors.user_has_role(user, Role.ADMINISTRATOR))
