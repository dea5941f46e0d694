"""A part or action form posted back with its own values writes nothing (no history row, no new "last
updated", no index change, webhook delivery or notification) and says "No changes to save."; a real
change, of one linked recommendation only too, writes exactly one history row."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from coopreview.core.edits import saved_nothing
from coopreview.core.exceptions import ConcurrentEditError
from coopreview.core.testing import client_for, form_values
from coopreview.followup import services
from coopreview.followup.enums import Category
from coopreview.followup.models import Action, FollowupPart
from coopreview.inbox.models import Notification
from coopreview.search.models import SearchChange
from coopreview.webhooks.models import Delivery


def trace(obj) -> tuple:
    """What a save leaves behind: history rows, "last updated", index changes, deliveries, notifications."""
    obj = type(obj).objects.get(pk=obj.pk)
    return (
        obj.history.count(),
        obj.updated_at,
        SearchChange.objects.count(),
        Delivery.objects.count(),
        Notification.objects.count(),
    )


@pytest.fixture
def part(recs, editor, court_focal_point) -> FollowupPart:
    cat = services.categorisation_propose(recommendation=recs["otp"], category=Category.COURT, by=editor)
    services.categorisation_approve(
        categorisation=cat, by=editor, approved_by="Bureau", approved_on=date(2021, 6, 28)
    )
    part = FollowupPart.objects.get(recommendation=recs["otp"])
    return services.part_update(part=part, by=court_focal_point, narrative="OTP view", budgetary="no")


@pytest.fixture
def action(recs, part, court_focal_point, orgs) -> Action:
    return services.action_create(
        by=court_focal_point,
        title="Plan",
        lead=orgs["OTP"],
        recommendations=[recs["otp"]],
        start=date(2026, 1, 1),
        due=date(2026, 6, 1),
    )


def test_part_form_posted_back_unchanged_writes_nothing(
    part, recs, court_focal_point, django_capture_on_commit_callbacks
):
    client = client_for(court_focal_point)
    data = form_values(
        client.get(reverse("recommendations:detail", args=[recs["otp"].pk])).content, field="narrative"
    )
    before = trace(part)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("followup:part-edit", args=[part.pk]), data, follow=True)

    assert response.redirect_chain[0][1] == 302
    assert "No changes to save." in response.content.decode()
    assert trace(part) == before
    changed = client.post(reverse("followup:part-edit", args=[part.pk]), {**data, "narrative": "Revised"})
    assert changed.status_code == 302 and trace(part)[0] == before[0] + 1


def test_part_no_op_from_a_stale_form_but_a_stale_change_conflicts(part, court_focal_point):
    opened = part.updated_at - timedelta(seconds=5)
    before = trace(part)

    result = services.part_update(
        part=part, by=court_focal_point, expected_updated_at=opened, narrative="OTP view", budgetary="no"
    )

    assert saved_nothing(result) and trace(part) == before
    with pytest.raises(ConcurrentEditError):
        services.part_update(part=part, by=court_focal_point, expected_updated_at=opened, narrative="Other")
    assert trace(part) == before


def test_action_form_posted_back_unchanged_writes_nothing(
    action, court_focal_point, django_capture_on_commit_callbacks
):
    client = client_for(court_focal_point)
    url = reverse("followup:action", args=[action.pk])
    data = form_values(client.get(url).content, field="due")
    before = trace(action)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert "No changes to save." in response.content.decode()
    assert trace(action) == before


def test_action_linking_only_one_more_recommendation_writes_one_history_row(
    action, recs, court_focal_point, editor, django_capture_on_commit_callbacks
):
    services.categorisation_propose(recommendation=recs["registry"], category=Category.COURT, by=editor)
    client = client_for(court_focal_point)
    url = reverse("followup:action", args=[action.pk])
    data = form_values(client.get(url).content, field="due")
    data["recommendations"] = [str(recs["otp"].pk), str(recs["registry"].pk)]
    history, updated_at, *_rest = trace(action)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)

    assert "Action saved." in response.content.decode()
    after = trace(action)
    assert after[0] == history + 1 and after[1] > updated_at
    assert set(Action.objects.get(pk=action.pk).recommendations.values_list("pk", flat=True)) == {
        recs["otp"].pk,
        recs["registry"].pk,
    }


def test_action_service_no_op_compares_links_not_their_order(action, recs, court_focal_point, orgs):
    before = trace(action)

    result = services.action_update(
        action=action,
        by=court_focal_point,
        expected_updated_at=action.updated_at - timedelta(seconds=5),
        title="Plan",
        lead=orgs["OTP"],
        recommendations=[recs["otp"], recs["otp"]],
        due=date(2026, 6, 1),
    )

    assert saved_nothing(result) and trace(action) == before


def _post_back(client, rec, field: str, url_name: str, **changes):
    """The panel's form holding `field`, posted back as the page shows it (with `changes`)."""
    page = client.get(reverse("recommendations:detail", args=[rec.pk])).content
    data = {**form_values(page, field=field), **changes}
    return client.post(reverse(url_name, args=[rec.pk]), data, follow=True)


def test_categorisation_and_approval_posted_back_unchanged_write_nothing(part, recs, editor):
    cat = recs["otp"].categorisation
    parts_history = FollowupPart.history.count()
    before = trace(cat)
    client = client_for(editor)

    proposed = _post_back(client, recs["otp"], "rationale", "followup:categorise")
    approved = _post_back(client, recs["otp"], "approved_by", "followup:approve")

    assert "No changes to save." in proposed.content.decode()
    assert "No changes to save." in approved.content.decode()
    assert trace(cat) == before and FollowupPart.history.count() == parts_history
    changed = _post_back(client, recs["otp"], "rationale", "followup:categorise", rationale="Court only.")
    assert "Categorisation proposed." in changed.content.decode()
    assert trace(cat)[0] == before[0] + 1


def test_stakeholder_view_sent_again_writes_nothing(part, recs, court_focal_point, orgs):
    view = services.stakeholder_view_record(
        recommendation=recs["otp"], organisation=orgs["OTP"], by=court_focal_point, position="Agreed."
    )
    before = trace(view)

    again = services.stakeholder_view_record(
        recommendation=recs["otp"], organisation=orgs["OTP"], by=court_focal_point, position="Agreed. "
    )

    assert saved_nothing(again) and trace(view) == before
    services.stakeholder_view_record(
        recommendation=recs["otp"], organisation=orgs["OTP"], by=court_focal_point, position="Agreed, later."
    )
    assert trace(view)[0] == before[0] + 1
