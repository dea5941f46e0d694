"""Sign-in security in Chromium: an editor enrols an authenticator app and reaches the page; a lockout
is explained; an administrator opens the audit log from the user menu. (The README's picture of the
audit log is taken by scripts/screenshots.py, not here: a test run must not change the tree.)"""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_enrols_two_factor_then_reaches_the_page(browser_page, editor, leak_data, settings):
    settings.MFA_REQUIRED = True
    page = browser_page

    sign_in(page, "editor", PASSWORD)

    assert "/accounts/two-factor/" in page.url
    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    assert page.locator("figure.qr svg").is_visible()
    assert_accessible(page, context="two-factor enrolment")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("Code from the app").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_load_state()

    # an editor lands on their validation queue after signing in (landing by role)
    assert page.url.endswith("/me/queue/")
    page.get_by_role("heading", name="Awaiting validation", exact=True).wait_for()
    # the session is verified: members-only records are shown, no new detour to the second step
    page.goto(page.base_url + "/recommendations/")
    assert page.url.endswith("/recommendations/")
    assert "Members-only zebracode" in page.content()


def test_a_locked_out_sign_in_is_explained(browser_page, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    page = browser_page

    sign_in(page, "editor", "wrong-1")
    assert "Please enter a correct username and password" in page.content()
    sign_in(page, "editor", "wrong-2")
    sign_in(page, "editor", PASSWORD)

    page.get_by_role("heading", name="Sign-in locked").wait_for()
    assert "even with the right password" in page.content()
    assert "/accounts/login/" in page.url
    assert_accessible(page, context="lockout")


def test_an_administrator_opens_the_audit_log_from_the_user_menu(browser_page, admin_user, editor):
    page = browser_page
    sign_in(page, "editor", "wrong")
    sign_in(page, "admin", PASSWORD)

    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    page.get_by_label("Action").select_option("login_failed")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()

    rows = page.locator("table.audit-log tbody tr")
    assert rows.count() == 1 and "editor" in rows.first.inner_text()
    assert_accessible(page, context="audit log")
