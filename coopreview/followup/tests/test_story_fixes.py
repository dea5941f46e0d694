"""Small fixes from walking the seed letter's story (issue 14, item 9)."""

import re
from datetime import date, timedelta

from django.utils import timezone

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.followup import services
from coopreview.followup.tests.test_views import categorised  # noqa: F401 — the shared fixture


def test_action_page_title_is_the_action_title_only(categorised, court_focal_point, orgs):  # noqa: F811
    action = services.action_create(
        by=court_focal_point,
        title="Plan the cooperation framework",
        lead=orgs["OTP"],
        recommendations=[categorised["otp"]],
        start=date(2026, 1, 1),
        due=date(2026, 6, 1),
    )

    body = client_for(court_focal_point).get(f"/followup/action/{action.pk}/").content.decode()

    title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
    assert title.strip() == "Plan the cooperation framework · coopreview"
    assert body.count("csrfmiddlewaretoken") >= 1 and "Edit the action" in body


def test_as_of_is_optional_and_refuses_the_future(categorised, editor):  # noqa: F811
    client = client_for(editor)
    rec = categorised["both"]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    empty = client.get(f"/recommendations/{rec.pk}/", {"as_of": ""})
    future = client.get(f"/recommendations/{rec.pk}/", {"as_of": tomorrow})
    record_empty = client.get(f"/followup/recommendation/{rec.pk}/", {"as_of": ""})
    dashboard_future = client.get("/followup/", {"as_of": tomorrow})

    assert empty.status_code == 200 and "Follow-up" in empty.content.decode()
    assert 'name="as_of" required' not in empty.content.decode()
    assert future.status_code == 400
    assert f"“As of” is a date in the future ({tomorrow})" in future.content.decode()
    assert record_empty.status_code == 200
    assert dashboard_future.status_code == 400
    assert "Choose today or a past date." in dashboard_future.content.decode()


def test_report_as_of_refuses_the_future(editor):
    from coopreview.reports.forms import ReportParamsForm

    tomorrow = timezone.localdate() + timedelta(days=1)
    form = ReportParamsForm({"report": "annex", "format": "html", "as_of": tomorrow.isoformat()})
    empty = ReportParamsForm({"report": "annex", "format": "html"})

    assert not form.is_valid() and "date in the future" in str(form.errors["as_of"])
    assert empty.is_valid()


def test_part_edit_and_status_change_are_separate_forms(categorised, court_focal_point):  # noqa: F811
    body = client_for(court_focal_point).get(f"/recommendations/{categorised['otp'].pk}/").content.decode()

    groups = re.findall(r'<div class="fu-subform" role="group".*?</form>\s*</div>', body, re.S)
    assert len(groups) >= 2
    assert "Save the part" in groups[0] and "Change the status" not in groups[0]
    assert "Change the status" in groups[1] and "Save the part" not in groups[1]
    assert_valid_html(body)
