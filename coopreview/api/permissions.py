"""The API's own gate: a token's scope. Everything else (who may see or do what) is the web's rules,
applied by the same selectors (reads) and services (writes) the pages call."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from coopreview.api.enums import Scope
from coopreview.api.models import ApiToken


class TokenScope(permissions.BasePermission):
    """Reads are open as on the web (anonymous callers see public records). Writes need a signed-in
    user and, with a token, the write scope."""

    message = _("This token has the read scope only; writing needs a token with the write scope.")

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        return not isinstance(token, ApiToken) or token.scope == Scope.WRITE
