from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Signed out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    MFA_ENROLLED = "mfa_enrolled", _("Two-factor enrolled")
    MFA_FAILED = "mfa_failed", _("Two-factor code refused")
    DOWNLOAD = "download", _("Download of non-public records")
    EXPORT = "export", _("Export of non-public records")
    PERMISSION_CHANGED = "permission_changed", _("Permission changed")
    IMPORT = "import", _("Import applied")
    READ = "read", _("Read of a confidential record")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
