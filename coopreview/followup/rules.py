"""Who may do what in the follow-up. The Court's part is the Court's to decide, the Assembly's the Assembly's:
the Assembly's side (Review Mechanism editors, facilitators) never edits a Court part, nor the reverse.
Administrators may act on both. Services check these same predicates, so no door is left open."""

import rules

from coopreview.accounts import selectors as acc
from coopreview.accounts.enums import Role, Side
from coopreview.accounts.rules import is_administrator, is_editor, is_member


def _org_tree() -> dict[int, int | None]:
    from coopreview.accounts.models import Organisation

    return dict(Organisation.objects.exclude(kind="state").values_list("pk", "parent_id"))


def court_scope(user) -> frozenset[int]:
    """Organisations a Court focal point answers for: their organ, the Court above it, the units below it.

    An OTP focal point acts on the Court's part and the OTP's part, never on the Registry's.
    """
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_followup_court_scope", None)
    if cached is not None:
        return cached
    own = acc.user_organisation_ids(user, Role.COURT_FOCAL_POINT)
    scope: set[int] = set()
    if own:
        tree = _org_tree()
        for org in own:
            node: int | None = org
            while node is not None:  # ancestors
                scope.add(node)
                node = tree.get(node)
        frontier = set(own)
        while frontier:  # descendants
            frontier = {pk for pk, parent in tree.items() if parent in frontier} - scope
            scope |= frontier
    user._followup_court_scope = frozenset(scope)
    return user._followup_court_scope


def may_act_for(user, organisation) -> bool:
    """May `user` decide for `organisation`'s side? The core of the independence rule."""
    if organisation is None or not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    side = organisation.side
    if side == Side.COURT:
        return organisation.pk in court_scope(user)
    if side == Side.ASSEMBLY:
        return acc.user_has_role(user, Role.EDITOR, Role.FACILITATOR)
    if side == Side.STATE:
        return organisation.pk in acc.user_organisation_ids(user, Role.STATE_FOCAL_POINT)
    return False


@rules.predicate
def can_view_recommendation_of(user, obj) -> bool:
    from coopreview.recommendations.selectors import recommendations_visible_to

    if obj is None:
        return True
    rec_id = getattr(obj, "recommendation_id", None) or getattr(obj, "pk", None)
    return recommendations_visible_to(user=user).filter(pk=rec_id).exists()


def lead_scope(user) -> frozenset[int] | None:
    """The leads whose confidential parts `user` may read: their own organs and the units below them
    (court_scope also holds the Court above, so a part led by the Court as a whole stays shared).
    None: every part (administrators)."""
    if user.is_authenticated and is_administrator(user):
        return None
    return court_scope(user)


@rules.predicate
def can_edit_part(user, part) -> bool:
    """A Court part led by an organ is that organ's alone: another organ contributes its own view
    (a stakeholder view) but never overwrites the lead organ's assessment or narrative."""
    if part is None:
        return False
    if part.side == Side.COURT and part.lead_id is not None:
        return may_act_for(user, part.lead)
    return may_act_for(user, part.addressee)


@rules.predicate
def can_record_view_for(user, organisation) -> bool:
    """A stakeholder view speaks for an organisation: its own members record it (administrators too)."""
    if organisation is None:
        return is_member(user)
    return is_administrator(user) or (is_member(user) and organisation.pk in acc.user_organisation_ids(user))


@rules.predicate
def can_manage_action(user, obj) -> bool:
    """obj: an Action or the Organisation that would lead it. The lead's side plans its own actions."""
    if obj is None:
        return is_member(user)
    lead = getattr(obj, "lead", obj)
    return may_act_for(user, lead)


@rules.predicate
def can_post_update(user, action) -> bool:
    if action is None:
        return is_member(user)
    return may_act_for(user, action.lead) or (
        is_member(user) and action.lead_id in acc.user_organisation_ids(user)
    )


rules.add_perm("followup.view_part", can_view_recommendation_of)
rules.add_perm("followup.change_part", can_edit_part)
rules.add_perm("followup.categorise", is_editor)
rules.add_perm("followup.record_view", can_record_view_for)
rules.add_perm("followup.manage_action", can_manage_action)
rules.add_perm("followup.post_update", can_post_update)
rules.add_perm("followup.validate_update", is_editor)
rules.add_perm("followup.view_dashboard", rules.always_allow)
