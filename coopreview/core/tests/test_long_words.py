"""A long unbroken string (a pasted URL, a symbol) wraps instead of widening the page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_long_word_does_not_widen_the_page(browser_page, leak_data):
    rec = leak_data["public"]
    rec.text = "See https://example.org/" + "x" * 400 + " for the text."
    rec.save()
    page = browser_page
    page.set_viewport_size({"width": 800, "height": 900})

    page.goto(page.base_url + f"/recommendations/{rec.pk}/")

    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
