"""Permissions of requests for assistance. Reads are also filtered in the query (selectors); these rules
decide what a user may do with a request they can open."""

import rules

from coopreview.accounts.rules import is_administrator
from coopreview.assistance import access


@rules.predicate
def is_court_user(user) -> bool:
    """A focal point of an organ of the Court: drafts requests and writes the templates."""
    return bool(access.organ_ids(user))


@rules.predicate
def of_requesting_organ(user, request) -> bool:
    return request is not None and access.is_of_requesting_organ(user, request)


@rules.predicate
def of_requested_state(user, request) -> bool:
    return request is not None and access.is_of_requested_state(user, request)


@rules.predicate
def shared_with_user(user, request) -> bool:
    return request is not None and access.is_shared_with(user, request)


rules.add_perm("assistance.draft_request", is_court_user)
rules.add_perm("assistance.view_request", of_requesting_organ | of_requested_state | shared_with_user)
# Drafting, the checklist, sending, withdrawing and sharing belong to the requesting organ.
rules.add_perm("assistance.change_request", of_requesting_organ)
# The requested State's focal points follow the execution: status and correspondence.
rules.add_perm("assistance.track_request", of_requesting_organ | of_requested_state)
rules.add_perm("assistance.manage_templates", is_court_user | is_administrator)
rules.add_perm("assistance.manage_obstacles", is_administrator)
# Exact figures (no small-count suppression) in the statistics.
rules.add_perm("assistance.view_exact_statistics", is_administrator)
