"""Issue 14, item 1 in Chromium: a Court focal point on French pages saves an action unchanged and
its dates are kept; the approval date and the changes period come up filled."""

import pytest
from django.utils import timezone

from coopreview.core.demo import demo_load
from coopreview.core.testing import sign_in
from coopreview.followup.demo import ACTION_TITLE
from coopreview.followup.models import Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "coopreview-demo"  # noqa: S105 — the demo accounts' published password


def test_court_focal_point_in_french_saves_an_action_unchanged(browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    action = Action.objects.get(title=ACTION_TITLE)
    before = (action.start, action.due)
    page = browser_page
    sign_in(page, "court", PASSWORD)
    page.goto(f"{page.base_url}/followup/action/{action.pk}/")
    page.get_by_role("button", name="Français").click()
    page.get_by_role("heading", name="Modifier l’action").wait_for()

    assert page.get_by_label("Début").input_value() == before[0].isoformat()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()

    action.refresh_from_db()
    assert (action.start, action.due) == before
    page.goto(f"{page.base_url}/followup/changes/")
    assert page.get_by_label("Au").input_value() == timezone.localdate().isoformat()
