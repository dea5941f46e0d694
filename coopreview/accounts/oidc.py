"""Optional single sign-on by OpenID Connect (mozilla-django-oidc), e.g. Microsoft Entra ID.

mozilla-django-oidc was chosen for being small, maintained by Mozilla for its own sites, and a plain
authentication backend: sign-in throttling, the audit log's signals and two-factor enforcement apply
to it as to passwords. On only when OIDC_RP_CLIENT_ID is set (settings.py).

Roles follow the identity provider's groups through OIDC_GROUP_MAP, a JSON object from a group claim
value to [organisation code, role] pairs, e.g. {"cr-rm-editors": [["RM", "editor"]]}. At each sign-in
the memberships the map can give are brought in line with the user's groups (granted or revoked,
through the accounts services); memberships outside the map are left to administrators.
"""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from coopreview.accounts.models import Membership, Organisation
from coopreview.accounts.services import membership_grant, membership_revoke

logger = logging.getLogger(__name__)


class OIDCMappingError(ValueError):
    """OIDC_GROUP_MAP names an organisation or role that does not exist."""


def _pairs(value) -> set[tuple[str, str]]:
    return {(str(code), str(role)) for code, role in value}


@transaction.atomic
def memberships_sync_from_claims(*, user: User, claims: dict) -> set[tuple[str, str]]:
    """Grant the (organisation code, role) pairs the user's groups map to; revoke the mapped pairs
    they no longer have. Returns the pairs the user now holds through the map."""
    from coopreview.accounts.enums import Role

    group_map: dict = settings.OIDC_GROUP_MAP
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    wanted = set().union(*(_pairs(group_map.get(g, [])) for g in groups)) if groups else set()
    managed = set().union(*(_pairs(v) for v in group_map.values())) if group_map else set()
    organisations = {o.code: o for o in Organisation.objects.filter(code__in={c for c, _ in managed})}
    for code, role in wanted:
        if code not in organisations or role not in Role.values:
            raise OIDCMappingError(f"OIDC_GROUP_MAP: unknown organisation {code!r} or role {role!r}")
        membership_grant(user=user, organisation=organisations[code], role=role)
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        pair = (membership.organisation.code, membership.role)
        if pair in managed and pair not in wanted:
            membership_revoke(membership=membership)
    return wanted


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    """Users are matched by e-mail; new ones are named after their preferred_username (or e-mail)."""

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> User | None:
        """A wrong OIDC_GROUP_MAP refuses the sign-in (back to the sign-in page) and is logged for the
        administrator, rather than granting a partial set of roles or showing an error page."""
        try:
            with transaction.atomic():
                return super().get_or_create_user(access_token, id_token, payload)
        except OIDCMappingError:
            logger.exception("OIDC sign-in refused")
            return None

    def create_user(self, claims: dict) -> User:
        email = claims.get("email", "")
        base = (claims.get("preferred_username") or email or claims.get("sub", "user"))[:140]
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = User.objects.create_user(
            username,
            email=email,
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )
        memberships_sync_from_claims(user=user, claims=claims)
        return user

    def update_user(self, user: User, claims: dict) -> User:
        memberships_sync_from_claims(user=user, claims=claims)
        return user
