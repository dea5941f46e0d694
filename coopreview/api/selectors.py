"""Reads of personal access tokens."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from coopreview.api.models import ApiToken


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (active, expired and revoked: the page says which)."""
    return ApiToken.objects.filter(user=user)


def token_for_secret(*, digest: str) -> ApiToken | None:
    """The active token with this digest, with its user; None if unknown, expired or revoked."""
    return ApiToken.objects.active().select_related("user").filter(digest=digest).first()
