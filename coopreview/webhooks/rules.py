import rules

from coopreview.accounts.rules import is_administrator

# Endpoints receive records as an administrator sees them: only administrators register or read them.
rules.add_perm("webhooks.manage_endpoints", is_administrator)
