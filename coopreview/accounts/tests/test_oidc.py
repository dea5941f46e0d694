"""Optional OpenID Connect sign-in: claims → user, groups → organisations and roles (no network)."""

from unittest import mock

import pytest
from django.contrib.auth.models import User

from coopreview.accounts.enums import Role
from coopreview.accounts.models import Membership
from coopreview.accounts.oidc import OIDCMappingError, OrganisationOIDCBackend, memberships_sync_from_claims
from coopreview.audit.enums import AuditAction
from coopreview.audit.models import AuditEvent

GROUP_MAP = {
    "rm-editors": [["RM", "editor"]],
    "otp-focal": [["OTP", "court_focal_point"]],
    "sen-focal": [["SEN", "state_focal_point"]],
}


@pytest.fixture
def oidc_settings(settings):
    settings.OIDC_RP_CLIENT_ID = "coopreview"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example.org/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.example.org/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example.org/keys"
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_GROUP_MAP = GROUP_MAP
    return settings


def _sign_in(claims: dict) -> User | None:
    """The backend's user step with the identity provider's answers mocked: no token is fetched."""
    backend = OrganisationOIDCBackend()
    with mock.patch.object(backend, "get_userinfo", return_value=claims):
        return backend.get_or_create_user("access-token", "id-token", {"nonce": "n"})


def _roles(user: User) -> set[tuple[str, str]]:
    return set(Membership.objects.filter(user=user).values_list("organisation__code", "role"))


def test_a_new_user_gets_the_roles_their_groups_map_to(orgs, oidc_settings):
    claims = {
        "sub": "abc",
        "email": "a.dupont@example.org",
        "preferred_username": "a.dupont",
        "given_name": "Anne",
        "family_name": "Dupont",
        "groups": ["rm-editors", "unrelated"],
    }

    user = _sign_in(claims)

    assert user.username == "a.dupont" and user.email == "a.dupont@example.org"
    assert _roles(user) == {("RM", Role.EDITOR)}
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_CHANGED, object_repr__contains="a.dupont"
    ).exists()


def test_a_returning_user_is_matched_by_email_and_their_mapped_roles_follow_the_groups(orgs, oidc_settings):
    user = User.objects.create_user("anne", email="anne@example.org")
    Membership.objects.create(user=user, organisation=orgs["NGO"], role=Role.OBSERVER)  # outside the map
    _sign_in({"sub": "1", "email": "anne@example.org", "groups": ["rm-editors", "otp-focal"]})

    again = _sign_in({"sub": "1", "email": "anne@example.org", "groups": ["otp-focal"]})

    assert again.pk == user.pk
    assert _roles(user) == {("OTP", Role.COURT_FOCAL_POINT), ("NGO", Role.OBSERVER)}


def test_no_groups_gives_no_role(orgs, oidc_settings):
    user = _sign_in({"sub": "2", "email": "x@example.org"})

    assert user is not None and _roles(user) == set()


def test_a_map_naming_an_unknown_organisation_is_refused_with_its_name(orgs, oidc_settings):
    oidc_settings.OIDC_GROUP_MAP = {"g": [["NOPE", "editor"]]}
    user = User.objects.create_user("b", email="b@example.org")

    with pytest.raises(OIDCMappingError, match="NOPE"):
        memberships_sync_from_claims(user=user, claims={"groups": ["g"]})

    assert _roles(user) == set()


def test_a_wrong_map_refuses_the_sign_in_and_creates_nobody(orgs, oidc_settings):
    oidc_settings.OIDC_GROUP_MAP = {"g": [["NOPE", "editor"]]}

    user = _sign_in({"sub": "3", "email": "c@example.org", "groups": ["g"]})

    assert user is None
    assert not User.objects.filter(email="c@example.org").exists()
