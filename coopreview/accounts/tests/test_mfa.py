"""Two-factor authentication: who must use it, enrolment, verification, recovery codes."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from coopreview.accounts import mfa
from coopreview.audit.enums import AuditAction
from coopreview.audit.models import AuditEvent
from coopreview.core.testing import assert_valid_html

PAGE = "/followup/"


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["admin_user", "editor", "court_focal_point"])
def test_required_roles_with_a_password_only_reach_nothing_but_enrolment(persona, request, mfa_on):
    client = _signed_in(request.getfixturevalue(persona))

    response = client.get(PAGE)
    recommendations = client.get("/recommendations/")

    assert response.status_code == 302
    assert response.url == reverse("accounts:mfa-setup") + "?next=%2Ffollowup%2F"
    assert recommendations.status_code == 302 and recommendations.url.startswith(
        reverse("accounts:mfa-setup")
    )


@pytest.mark.parametrize("persona", ["state_focal_point", "facilitator", "observer"])
def test_other_roles_are_not_asked_for_a_second_factor(persona, request, mfa_on):
    client = _signed_in(request.getfixturevalue(persona))

    response = client.get(PAGE)

    assert response.status_code == 200


def test_mfa_required_off_lets_an_editor_in_with_a_password(editor, settings):
    settings.MFA_REQUIRED = False

    assert _signed_in(editor).get(PAGE).status_code == 200


def test_htmx_requests_are_sent_to_enrolment_too(editor, mfa_on):
    response = _signed_in(editor).get(PAGE, HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:mfa-setup"))


def test_enrolment_shows_a_qr_code_then_recovery_codes_once(editor, mfa_on, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = _signed_in(editor)

    page = client.get(reverse("accounts:mfa-setup") + "?next=/followup/")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    wrong = client.post(reverse("accounts:mfa-setup"), {"code": "000000", "next": "/followup/"})
    right = client.post(reverse("accounts:mfa-setup"), {"code": _code(device), "next": "/followup/"})

    html = page.content.decode()
    qr = html.index('class="qr"')  # the QR code's own SVG, not the header's icons
    svg = html[html.index("<svg", qr) : html.index("</svg>", qr)]
    assert 'role="img"' in svg and "<script" not in svg and "style=" not in svg
    assert_valid_html(page.content)
    assert wrong.status_code == 400 and "This is not the code the app shows now" in wrong.content.decode()
    assert right.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", right.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(PAGE).status_code == 200  # this session is verified
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ENROLLED, user=editor).count() == 1
    status = client.get(reverse("accounts:mfa-setup"))
    assert "You have 10 unused recovery codes." in status.content.decode()
    assert not any(code in status.content.decode() for code in codes)  # shown only once


@pytest.fixture
def enrolled(editor):
    device = TOTPDevice.objects.create(user=editor, name="authenticator", confirmed=True)
    codes = mfa.mfa_recovery_codes_generate(user=editor)
    return device, codes


def test_an_enrolled_editor_must_give_a_code(editor, enrolled, mfa_on, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the growing wait after a wrong code: tested below
    device, _codes = enrolled
    client = _signed_in(editor)

    response = client.get(PAGE)
    wrong = client.post(reverse("accounts:mfa-verify"), {"code": "123456", "next": PAGE})
    still_blocked = client.get(PAGE)
    right = client.post(reverse("accounts:mfa-verify"), {"code": _code(device), "next": PAGE})

    assert response.url == reverse("accounts:mfa-verify") + "?next=%2Ffollowup%2F"
    assert wrong.status_code == 400 and "This code is wrong or was already used" in wrong.content.decode()
    assert still_blocked.status_code == 302
    assert right.status_code == 302 and right.url == PAGE
    assert client.get(PAGE).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.MFA_FAILED, user=editor).count() == 1


def test_a_right_code_straight_after_a_wrong_one_must_wait(editor, enrolled, mfa_on, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device, _codes = enrolled
    client = _signed_in(editor)

    client.post(reverse("accounts:mfa-verify"), {"code": "123456", "next": PAGE})
    response = client.post(reverse("accounts:mfa-verify"), {"code": _code(device), "next": PAGE})

    assert response.status_code == 400
    assert "Too many wrong codes: wait 60 seconds" in response.content.decode()
    assert client.get(PAGE).status_code == 302


def test_a_recovery_code_works_once(editor, enrolled, mfa_on):
    _device, codes = enrolled
    first, second = _signed_in(editor), _signed_in(editor)

    used = first.post(reverse("accounts:mfa-verify"), {"code": codes[0].upper(), "next": PAGE})
    reused = second.post(reverse("accounts:mfa-verify"), {"code": codes[0], "next": PAGE})

    assert used.status_code == 302 and first.get(PAGE).status_code == 200
    assert reused.status_code == 400 and second.get(PAGE).status_code == 302
    assert mfa.recovery_codes_left(editor) == 9


def test_verify_redirects_only_to_this_site(editor, enrolled):
    device, _codes = enrolled
    client = _signed_in(editor)

    response = client.post(
        reverse("accounts:mfa-verify"), {"code": _code(device), "next": "https://evil.example/"}
    )

    assert response.url == reverse(django_settings.LOGIN_REDIRECT_URL)


def test_renewing_recovery_codes_replaces_the_old_ones(editor, enrolled, mfa_on):
    device, codes = enrolled
    client = _signed_in(editor)
    client.post(reverse("accounts:mfa-verify"), {"code": _code(device), "next": PAGE})

    response = client.post(reverse("accounts:mfa-setup"), {"action": "recovery"})

    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(codes)


def test_two_factor_pages_in_french(editor, mfa_on):
    client = _signed_in(editor)
    client.cookies["django_language"] = "fr"

    response = client.get(reverse("accounts:mfa-setup"))

    assert "Configurer l’authentification à deux facteurs" in response.content.decode()


def test_anyone_who_enrolled_is_asked_for_a_code_even_when_not_required(state_focal_point, settings):
    settings.MFA_REQUIRED = False
    device = TOTPDevice.objects.create(user=state_focal_point, name="authenticator", confirmed=True)
    client = _signed_in(state_focal_point)

    blocked = client.get(PAGE)
    client.post(reverse("accounts:mfa-verify"), {"code": _code(device), "next": PAGE})

    assert blocked.status_code == 302 and blocked.url.startswith(reverse("accounts:mfa-verify"))
    assert client.get(PAGE).status_code == 200
