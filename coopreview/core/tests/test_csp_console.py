"""A page built on base.html raises no Content-Security-Policy error in the browser's console: htmx
would add an inline <style> for its request indicators, which style-src 'self' refuses on every page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_csp_error_on_a_page(browser_page, leak_data):
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(page.base_url + "/recommendations/")
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(r => setTimeout(r, 300))")  # htmx sets itself up after load

    assert not [e for e in errors if "Content Security Policy" in e], errors
