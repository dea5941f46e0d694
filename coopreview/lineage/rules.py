import rules

from coopreview.accounts.rules import is_editor, is_facilitator

# Reviewing links and suggestions is the editors' and facilitators' work; reading links follows
# the visibility of both recommendations (enforced in the selectors' queries).
can_review = is_editor | is_facilitator

rules.add_perm("lineage.add_link", can_review)
rules.add_perm("lineage.delete_link", can_review)
rules.add_perm("lineage.review_suggestions", can_review)
rules.add_perm("lineage.change_duplicategroup", can_review)
