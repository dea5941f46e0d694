"""`Authorization: Bearer <token>`: a personal access token (see api/models.py). The browser signs in
with its session instead (DRF's SessionAuthentication, which checks CSRF on writes)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from coopreview.api import selectors, services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization header: “Bearer <token>” expected."))
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = selectors.token_for_secret(digest=services.token_digest(secret))
        if token is None or not token.user.is_active:
            # One message for unknown, expired and revoked tokens: nothing to learn by trying.
            raise exceptions.AuthenticationFailed(_("The token is not valid, has expired or was revoked."))
        services.token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword  # a 401 (not a 403) with WWW-Authenticate: Bearer
