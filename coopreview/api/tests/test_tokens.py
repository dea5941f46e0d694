"""Personal access tokens: hashed, scoped, expiring, revocable, throttled each on its own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coopreview.api.models import ApiToken
from coopreview.api.services import TokenRefused, token_create, token_revoke
from coopreview.core.testing import assert_valid_html, client_for


def _get(client_token: str, path: str = "/api/v1/recommendations/"):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {client_token}")
    return client.get(path)


@pytest.mark.django_db
def test_only_the_digest_is_kept(editor):
    token, secret = token_create(user=editor, name="script", scope="read", days=10)
    assert secret.startswith("crv_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in (stored.digest, stored.prefix) and stored.digest != secret
    assert secret.startswith(stored.prefix)
    assert token.history.count() == 1


@pytest.mark.django_db
def test_expired_revoked_and_unknown_tokens_are_refused_alike(leak_data, editor):
    token, secret = token_create(user=editor, name="script", scope="read", days=10)
    assert _get(secret).json()["count"] == 3
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = _get(secret)
    assert expired.status_code == 401 and expired["WWW-Authenticate"] == "Bearer"
    token2, secret2 = token_create(user=editor, name="other", scope="read", days=10)
    token_revoke(token=token2, by=editor)
    revoked = _get(secret2)
    unknown = _get("crv_nothing")
    assert revoked.status_code == unknown.status_code == 401
    assert revoked.json() == unknown.json() == expired.json()
    editor.is_active = False
    editor.save()
    token3, secret3 = token_create(user=editor, name="third", scope="read", days=10)
    assert _get(secret3).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "scope", "days"), [("", "read", 10), ("x", "admin", 10), ("x", "read", 0), ("x", "read", 10_000)]
)
def test_bad_token_requests_are_refused(editor, name, scope, days):
    with pytest.raises(TokenRefused):
        token_create(user=editor, name=name, scope=scope, days=days)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_each_token_has_its_own_budget(settings, leak_data, editor):
    settings.API_RATE = "3/min"
    _t1, first = token_create(user=editor, name="one", scope="read", days=1)
    _t2, second = token_create(user=editor, name="two", scope="read", days=1)
    assert [_get(first).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert _get(second).status_code == 200


@pytest.mark.django_db
def test_token_page_shows_the_secret_once_and_revokes(editor, outsider):
    client = client_for(editor)
    page = client.get("/api/tokens/")
    assert page.status_code == 200
    assert_valid_html(page.content)
    made = client.post("/api/tokens/", {"name": "my script", "scope": "write", "days": "30"})
    assert made.status_code == 200
    token = ApiToken.objects.get(user=editor)
    secret = made.context["secret"]
    assert secret in made.content.decode() and token.prefix in made.content.decode()
    assert "no-cache" in made["Cache-Control"] or "no-store" in made["Cache-Control"]
    again = client.get("/api/tokens/").content.decode()
    assert secret not in again and "my script" in again
    bad = client.post("/api/tokens/", {"name": "", "scope": "write", "days": "30"})
    assert bad.status_code == 422
    # another user's token: not found, not revoked
    assert client_for(outsider).post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client_for(None).get("/api/tokens/").status_code == 302  # sign in first


@pytest.mark.django_db
def test_token_page_dates_in_the_page_language(editor):
    """A French page writes the expiry and the last use as French dates, not as ISO dates."""
    token, _secret = token_create(user=editor, name="rapport", scope="read", days=30)
    token.expires_at = timezone.make_aware(timezone.datetime(2027, 3, 3, 12))
    token.last_used_at = timezone.make_aware(timezone.datetime(2026, 12, 1, 9, 30))
    token.save()
    client = client_for(editor)
    client.cookies["django_language"] = "fr"

    page = client.get("/api/tokens/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "3 mars 2027" in page and "1 décembre 2026" in page
    assert "2027-03-03" not in page
