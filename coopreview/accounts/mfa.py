"""Two-factor authentication: who must use it, enrolment, verification, recovery codes (django-otp).

django-otp was chosen because it is the long-maintained OTP framework Django projects build on
(django-two-factor-auth sits on it), with throttled TOTP and single-use static tokens as plugins, and
no templates or JavaScript of its own, so the pages stay in the site's style under the strict CSP.
"""

import secrets
from io import BytesIO

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coopreview.accounts import selectors
from coopreview.accounts.enums import Role
from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_record

# Roles whose holders must use a second factor when MFA_REQUIRED is on.
MFA_ROLES = (Role.ADMINISTRATOR, Role.EDITOR, Role.COURT_FOCAL_POINT)
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)


def user_requires_mfa(user) -> bool:
    """Administrators, Review Mechanism editors and Court focal points, when MFA_REQUIRED is on."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    return user.is_superuser or selectors.user_has_role(user, *MFA_ROLES)


def user_has_mfa(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


ENROLLED_KEY = "coopreview_mfa_enrolled"


@receiver(user_logged_in, dispatch_uid="mfa_enrolled_in_session")
def _remember_enrolment(sender, request, user, **kwargs) -> None:
    """Whether the user has an app, kept in the session at sign-in: the middleware then asks the
    database nothing on each request."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_KEY] = user_has_mfa(user)


@transaction.atomic
def mfa_device_start(*, user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device (a new secret each time enrolment starts afresh)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def mfa_qr_svg(device: TOTPDevice, *, label: str) -> str:
    """The enrolment QR code as inline SVG markup (no image request, no inline style or script)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _new_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def mfa_recovery_codes_generate(*, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones; each works once. Shown to the user only now."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [_new_code() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def mfa_enrol_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm `device` with a code from the app: marks this session verified and returns the new
    recovery codes, or None (nothing changed) when the code is wrong."""
    if not device.verify_token(_normalise(token)):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    request.session[ENROLLED_KEY] = True
    audit_record(action=AuditAction.MFA_ENROLLED, user=device.user, obj=device.user, request=request)
    return mfa_recovery_codes_generate(user=device.user)


def mfa_verify(*, request: HttpRequest, token: str) -> bool:
    """A code from the app or a recovery code (used up); marks the session verified. Devices throttle
    repeated failures themselves (growing delays)."""
    user = request.user
    device = match_token(user, _normalise(token))
    if device is None:
        audit_record(action=AuditAction.MFA_FAILED, user=user, obj=user, request=request)
        return False
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        audit_record(
            action=AuditAction.LOGIN,
            user=user,
            obj=user,
            request=request,
            detail={"second_factor": "recovery code", "recovery_codes_left": device.token_set.count()},
        )
    return True


def mfa_wait_seconds(user) -> int:
    """Seconds before the user's app codes are checked again after wrong ones (0: now). django-otp
    doubles the wait after each failure, so guessing six digits is hopeless."""
    waits = [0]
    for device in TOTPDevice.objects.filter(user=user):
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append(int((info["locked_until"] - timezone.now()).total_seconds()) + 1)
    return max(waits)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _normalise(token: str) -> str:
    """Codes as people type them: "123 456" is 123456; recovery codes in any case."""
    return "".join(token.split()).lower()
