import rules

from coopreview.accounts.enums import MEMBER_ROLES
from coopreview.accounts.rules import is_administrator, is_editor, is_member


@rules.predicate
def can_view_recommendation(user, recommendation) -> bool:
    # One source of truth: the same query that filters every list decides for one record.
    from coopreview.recommendations.selectors import recommendations_visible_to

    if recommendation is None:
        return True
    return recommendations_visible_to(user=user).filter(pk=recommendation.pk).exists()


@rules.predicate
def can_set_flag(user, flag) -> bool:
    """A priority flag belongs to an organisation: its members (facilitators for the facilitation,
    editors for the Review Mechanism) set and clear it, nobody else. A source's own flags (no owner,
    e.g. the report's Annex I) are curated by the editors."""
    from coopreview.accounts.selectors import user_organisation_ids

    if flag is None or not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    if flag.owner_id is None:
        return is_editor(user)
    return flag.owner_id in user_organisation_ids(user, *MEMBER_ROLES)


rules.add_perm("recommendations.set_flag", can_set_flag)
rules.add_perm("recommendations.view_recommendation", can_view_recommendation)
rules.add_perm("recommendations.add_recommendation", is_editor)
rules.add_perm("recommendations.change_recommendation", is_editor)
rules.add_perm("recommendations.delete_recommendation", is_editor)
rules.add_perm("recommendations.change_source", is_editor)
rules.add_perm("recommendations.view_history", is_member | is_editor)
# Any member may try a change on a selection; each record's own service decides (followup.bulk).
rules.add_perm("recommendations.bulk_change", is_member)
