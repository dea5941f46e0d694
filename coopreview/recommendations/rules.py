import rules

from coopreview.accounts.rules import is_editor, is_member


@rules.predicate
def can_view_recommendation(user, recommendation) -> bool:
    # One source of truth: the same query that filters every list decides for one record.
    from coopreview.recommendations.selectors import recommendations_visible_to

    if recommendation is None:
        return True
    return recommendations_visible_to(user=user).filter(pk=recommendation.pk).exists()


rules.add_perm("recommendations.view_recommendation", can_view_recommendation)
rules.add_perm("recommendations.add_recommendation", is_editor)
rules.add_perm("recommendations.change_recommendation", is_editor)
rules.add_perm("recommendations.delete_recommendation", is_editor)
rules.add_perm("recommendations.change_source", is_editor)
rules.add_perm("recommendations.view_history", is_member | is_editor)
