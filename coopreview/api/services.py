"""Writes of personal access tokens: made (the secret shown once), revoked."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.api.enums import Scope
from coopreview.api.models import ApiToken
from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_record
from coopreview.core.exceptions import ServiceError
from coopreview.core.history import save_with_history

TOKEN_PREFIX = "crv_"  # noqa: S105 — not a secret: recognisable in logs and by secret scanners


class TokenRefused(ServiceError):
    """A token that cannot be made as asked (no name, unknown scope, a life too long)."""


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token of `user`, valid `days` days; returns it with its secret, which is never stored."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise TokenRefused(_("Name: give the token a name of at most 100 characters."))
    if scope not in Scope.values:
        raise TokenRefused(_("Scope: choose “read” or “write”."))
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise TokenRefused(
            _("Expires in: a number of days from 1 to %(max)s.") % {"max": settings.API_TOKEN_MAX_DAYS}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        digest=token_digest(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    save_with_history(token, by=user, reason="created")
    # Audited (never the secret): a token is a credential, and who holds which must be traceable.
    audit_record(action=AuditAction.TOKEN_CREATED, user=user, obj=token, detail=_token_detail(token))
    return token, secret


def _token_detail(token: ApiToken) -> dict:
    return {
        "owner": token.user.get_username(),
        "prefix": token.prefix,
        "scope": token.scope,
        "expires_at": token.expires_at.isoformat(),
    }


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke `token` at once (its owner, or an administrator through the admin)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_with_history(token, by=by, reason="revoked")
        audit_record(action=AuditAction.TOKEN_REVOKED, user=by, obj=token, detail=_token_detail(token))
    return token


def token_touch(*, token: ApiToken) -> None:
    """Note the token's use, at most once a minute (one UPDATE, no history: use is not a change)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
