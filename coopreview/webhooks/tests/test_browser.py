"""An administrator registers an endpoint in the browser; a change reaches it on loopback; the log says so."""

import pytest

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.recommendations.services import recommendation_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_registers_an_endpoint_and_follows_its_deliveries(
    browser_page, admin_user, source, receiver
):
    page = browser_page
    sign_in(page, "admin", PASSWORD)

    page.goto(page.base_url + "/webhooks/")
    assert_accessible(page, context="endpoints")
    page.get_by_role("link", name="Register an endpoint").click()
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("Documentation portal")
    page.get_by_label("Recommendation created").check()
    assert_accessible(page, context="endpoint form")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("Endpoint registered.").wait_for()
    secret = page.locator("#endpoint-secret").inner_text()
    assert len(secret) >= 40
    assert_accessible(page, context="endpoint")

    recommendation_create(by=admin_user, source=source, reference="12", text="Publish cooperation requests.")

    assert len(receiver.received) == 1
    page.reload()
    assert page.locator("td.delivery-status").first.inner_text() == "Delivered"
    page.get_by_role("button", name="Disable").click()
    page.get_by_text("Endpoint disabled: it receives nothing.").wait_for()
    assert page.locator("#endpoint-active").inner_text() == "No (disabled)"
    page.get_by_role("link", name="Delivery log").first.click()
    assert_accessible(page, context="delivery log")
    assert "1 delivery" in page.content()
