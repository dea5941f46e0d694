"""Sign-in throttling (django-axes), password change and reset, the idle timeout."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from coopreview.accounts.security import LAST_SEEN_KEY
from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_valid_html

LOGIN = "/accounts/login/"


def _attempt(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3


def test_lockout_per_account_refuses_the_right_password_from_another_address(client, editor, limits):
    for n in range(3):
        response = _attempt(client, "editor", "wrong", ip=f"10.0.0.{n + 1}")

    refused = _attempt(client, "editor", PASSWORD, ip="10.9.9.9")

    assert response.status_code == 429
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert_valid_html(refused.content)


def test_lockout_per_address_refuses_other_accounts_from_that_address(client, editor, observer, limits):
    for name in ("nobody-1", "nobody-2", "nobody-3"):
        _attempt(client, name, "wrong", ip="10.0.0.7")

    same_address = _attempt(client, "observer", PASSWORD, ip="10.0.0.7")
    other_address = _attempt(client, "observer", PASSWORD, ip="10.0.0.8")

    assert same_address.status_code == 429
    assert other_address.status_code == 302


def test_lockout_ends_after_the_cool_off(client, editor, limits, settings):
    from axes.models import AccessAttempt

    for _ in range(3):
        _attempt(client, "editor", "wrong")
    assert _attempt(client, "editor", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time="2000-01-01T00:00:00Z")  # long before the cool-off
    response = _attempt(client, "editor", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_failures_below_the_limit_still_let_the_right_password_in(client, editor, limits):
    _attempt(client, "editor", "wrong")
    _attempt(client, "editor", "wrong")

    response = _attempt(client, "editor", PASSWORD)

    assert response.status_code == 302


def test_password_change_needs_the_old_password_and_keeps_the_session(client, editor):
    client.force_login(editor)

    wrong = client.post(
        reverse("accounts:password-change"),
        {"old_password": "nope", "new_password1": "a-New-pass-2026", "new_password2": "a-New-pass-2026"},
    )
    right = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "a-New-pass-2026", "new_password2": "a-New-pass-2026"},
    )

    assert wrong.status_code == 200 and "Your old password was entered incorrectly" in wrong.content.decode()
    assert right.status_code == 302 and right.url == reverse("accounts:password-change-done")
    editor.refresh_from_db()
    assert editor.check_password("a-New-pass-2026")
    assert client.get(reverse("accounts:password-change-done")).status_code == 200


def test_password_change_page_is_for_signed_in_users(client):
    response = client.get(reverse("accounts:password-change"))

    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_password_reset_by_email_sets_a_new_password_once(client, editor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    page = client.get(reverse("accounts:password-reset"))
    client.post(reverse("accounts:password-reset"), {"email": "editor@example.org"})
    client.post(reverse("accounts:password-reset"), {"email": "unknown@example.org"})

    assert_valid_html(page.content)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["editor@example.org"]
    link = re.search(r"http://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "new_password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Reset-pass-2026", "new_password2": "Reset-pass-2026"},
    )
    assert done.status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("Reset-pass-2026")
    again = client.get(link, follow=True)
    assert "This link is not valid" in again.content.decode()


def test_password_reset_pages_in_french(client):
    client.cookies["django_language"] = "fr"

    response = client.get(reverse("accounts:password-reset"), HTTP_ACCEPT_LANGUAGE="fr")

    assert "Mot de passe oublié" in response.content.decode()


def test_idle_session_is_signed_out_and_told_why(client, editor, settings, leak_data):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(editor)
    assert client.get("/recommendations/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 601
    session.save()

    response = client.get("/recommendations/")

    assert response.status_code == 302
    assert response.url.startswith(LOGIN) and "idle=1" in response.url
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "Your session ended after a period without activity" in page.content.decode()


def test_active_session_stays_signed_in(client, editor, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(editor)
    client.get("/recommendations/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 500
    session.save()

    response = client.get("/recommendations/")

    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(editor.pk)
