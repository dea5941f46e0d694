import rules

from coopreview.accounts.rules import is_administrator

# Administrators read the audit log; nobody may change or delete it (no such permission exists).
rules.add_perm("audit.view_auditevent", is_administrator)
