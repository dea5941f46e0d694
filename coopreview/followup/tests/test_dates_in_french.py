"""Saving a follow-up form unchanged on a French page keeps its dates (issue 14, item 1)."""

from datetime import date, timedelta

from django.utils import timezone

from coopreview.core.testing import client_for, form_values
from coopreview.followup import services
from coopreview.followup.enums import Category
from coopreview.followup.models import Categorisation


def _french(user):
    client = client_for(user)
    client.cookies["django_language"] = "fr"
    return client


def test_action_saved_unchanged_in_french_keeps_its_dates(recs, court_focal_point, orgs):
    action = services.action_create(
        by=court_focal_point,
        title="Plan",
        lead=orgs["OTP"],
        recommendations=[recs["otp"]],
        start=date(2026, 1, 10),
        due=date(2026, 12, 10),
    )
    client = _french(court_focal_point)
    page = client.get(f"/followup/action/{action.pk}/")

    data = form_values(page.content, field="due")
    response = client.post(f"/followup/action/{action.pk}/", data)

    assert data["start"] == ["2026-01-10"] and data["due"] == ["2026-12-10"]
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.start, action.due, action.title) == (date(2026, 1, 10), date(2026, 12, 10), "Plan")


def test_approval_saved_unchanged_in_french_keeps_its_date(recs, editor):
    cat = services.categorisation_propose(recommendation=recs["otp"], category=Category.COURT, by=editor)
    services.categorisation_approve(
        categorisation=cat, by=editor, approved_by="Bureau", approved_on=date(2021, 6, 28)
    )
    client = _french(editor)
    page = client.get(f"/recommendations/{recs['otp'].pk}/")

    data = form_values(page.content, field="approved_on")
    response = client.post(f"/followup/recommendation/{recs['otp'].pk}/approve/", data)

    assert data["approved_on"] == ["2021-06-28"]
    assert response.status_code in (200, 302)
    assert Categorisation.objects.get(pk=cat.pk).approved_on == date(2021, 6, 28)


def test_changes_period_in_french_comes_up_filled(editor):
    today = timezone.localdate()

    data = form_values(_french(editor).get("/followup/changes/").content, field="start")

    assert data["start"] == [(today - timedelta(days=30)).isoformat()]
    assert data["end"] == [today.isoformat()]
