"""The token page in Chromium: a user opens it from the user menu, makes a token, copies it (shown
once), uses it against the API, and revokes it; the API documentation page loads under the strict CSP."""

import pytest
import requests

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_makes_uses_and_revokes_a_token(browser_page, editor, leak_data):
    page = browser_page
    sign_in(page, "editor", PASSWORD)
    page.locator("details.user-menu summary").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_role("heading", name="API tokens", level=1).wait_for()
    assert_accessible(page, context="token page")

    page.get_by_label("Name").fill("Nightly export")
    page.get_by_label("Scope").select_option("read")
    page.get_by_label("Expires in (days)").fill("30")
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("heading", name="Your new token").wait_for()
    secret = page.get_by_role("textbox", name="Token").input_value()
    assert secret.startswith("crv_")
    assert_accessible(page, context="token shown once")

    api = f"{page.base_url}/api/v1/recommendations/"
    answer = requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    assert answer.status_code == 200 and answer.json()["count"] == 3

    page.goto(page.base_url + "/api/tokens/")
    assert secret not in page.content()  # never shown again
    row = page.get_by_role("row", name="Nightly export")
    assert "active" in row.inner_text()
    row.get_by_role("button", name="Revoke").click()
    page.get_by_text("Token “Nightly export” revoked.").wait_for()
    assert "revoked" in page.get_by_role("row", name="Nightly export").inner_text()
    assert requests.get(api, headers={"Authorization": f"Bearer {secret}"}, timeout=30).status_code == 401


def test_the_api_documentation_page_renders(browser_page):
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(page.base_url + "/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "coopreview API" in page.locator(".swagger-ui .info .title").inner_text()
    assert not [e for e in errors if "Content Security Policy" in e], errors
