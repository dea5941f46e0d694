import rules

from coopreview.accounts.enums import Role
from coopreview.accounts.rules import is_editor
from coopreview.accounts.selectors import user_organisation_ids


@rules.predicate
def is_focal_point_of_profile_state(user, profile) -> bool:
    if profile is None:
        return False
    return profile.state_id in user_organisation_ids(user, Role.STATE_FOCAL_POINT)


rules.add_perm("knowledge.propose_change", is_focal_point_of_profile_state | is_editor)
rules.add_perm("knowledge.verify_profile", is_focal_point_of_profile_state | is_editor)
rules.add_perm("knowledge.review_proposals", is_editor)
rules.add_perm("knowledge.change_entries", is_editor)
