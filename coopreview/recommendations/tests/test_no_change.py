"""A save that changes nothing changes nothing: no history row, no new "last updated", no search index
change, no webhook delivery; the editor reads "No changes to save.". A real change, even of one link
only, still writes exactly one history row."""

from datetime import timedelta

import pytest
from django.urls import reverse

from coopreview.core.edits import saved_nothing
from coopreview.core.exceptions import ConcurrentEditError
from coopreview.core.testing import client_for, form_values
from coopreview.recommendations import services
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation, Source, Theme
from coopreview.search.models import SearchChange
from coopreview.webhooks.enums import WebhookEvent
from coopreview.webhooks.models import Delivery, Endpoint


@pytest.fixture
def rec(orgs, source, editor) -> Recommendation:
    """A recommendation with every kind of link set, and a webhook endpoint listening to its edits."""
    Endpoint.objects.create(
        url="https://hooks.example.org/in",
        secret="s3cret",
        events=[WebhookEvent.RECOMMENDATION_UPDATED],
        owner=editor,
    )
    return services.recommendation_create(
        by=editor,
        source=source,
        reference="12",
        text="Prevent inhumane treatment in detention.",
        text_fr="Prévenir les traitements inhumains en détention.",
        addressees=[orgs["ICC"], orgs["ASP"]],
        recommended_by=[orgs["RM"]],
        priority_flags=[PriorityFlag.objects.create(name="Priority", colour="#F4B183", owner=orgs["RM"])],
        themes=[Theme.objects.create(slug="torture", name="Torture")],
        visibility=Visibility.RESTRICTED,
        restricted_to=[orgs["OTP"]],
    )


def trace(rec: Recommendation) -> tuple:
    """What a save leaves behind: history rows, "last updated", index change log rows, webhook deliveries."""
    rec = Recommendation.objects.get(pk=rec.pk)
    return rec.history.count(), rec.updated_at, SearchChange.objects.count(), Delivery.objects.count()


def post_edit(client, rec, capture, **changes):
    """The edit form as the page shows it, posted back with `changes` (field → list of values)."""
    url = reverse("recommendations:edit", args=[rec.pk])
    data = {**form_values(client.get(url).content, field="reference"), **changes}
    with capture(execute=True):  # what runs after commit too: the index follower, webhooks
        return client.post(url, data, follow=True)


def test_form_posted_back_unchanged_writes_nothing_and_says_so(
    editor, rec, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    before = trace(rec)

    response = post_edit(client, rec, django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(reverse("recommendations:detail", args=[rec.pk]), 302)]
    assert "No changes to save." in response.content.decode()
    assert "Changes saved." not in response.content.decode()
    assert trace(rec) == before


def test_no_change_message_in_french(editor, rec, django_capture_on_commit_callbacks):
    client = client_for(editor)
    client.post(reverse("set_language"), {"language": "fr"})
    before = trace(rec)

    response = post_edit(client, rec, django_capture_on_commit_callbacks)

    assert "Aucune modification à enregistrer." in response.content.decode()
    assert trace(rec) == before


def test_adding_only_an_addressee_writes_one_history_row(
    editor, rec, orgs, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    history, updated_at, changes, deliveries = trace(rec)
    addressees = [str(o.pk) for o in (orgs["ICC"], orgs["ASP"], orgs["OTP"])]

    response = post_edit(client, rec, django_capture_on_commit_callbacks, addressees=addressees)

    assert "Changes saved." in response.content.decode()
    after = trace(rec)
    assert after[0] == history + 1 and after[1] > updated_at
    assert after[2] > changes and after[3] == deliveries + 1
    latest = Recommendation.objects.get(pk=rec.pk).history.first()
    assert {row.organisation_id for row in latest.addressees.all()} == {int(pk) for pk in addressees}


@pytest.mark.parametrize("relation", ["themes", "priority_flags", "restricted_to", "recommended_by"])
def test_clearing_only_one_relation_writes(editor, rec, relation, orgs, django_capture_on_commit_callbacks):
    client = client_for(editor)
    before = trace(rec)
    extra = {"visibility": Visibility.MEMBERS} if relation == "restricted_to" else {}

    post_edit(client, rec, django_capture_on_commit_callbacks, **{relation: []}, **extra)

    assert trace(rec)[0] == before[0] + 1
    assert not getattr(Recommendation.objects.get(pk=rec.pk), relation).exists()


def test_service_no_op_even_from_a_stale_form_but_a_stale_change_conflicts(editor, rec, orgs):
    opened = rec.updated_at - timedelta(seconds=5)  # someone saved since this form was opened
    same = {
        "text": rec.text,
        "reference": rec.reference,
        "addressees": [orgs["ASP"], orgs["ICC"]],  # another order, the same links
        "themes": list(rec.themes.all()),
    }
    before = trace(rec)

    result = services.recommendation_update(
        recommendation=rec, by=editor, expected_updated_at=opened, reason="again", **same
    )

    assert saved_nothing(result) and trace(rec) == before
    with pytest.raises(ConcurrentEditError):
        services.recommendation_update(
            recommendation=rec, by=editor, expected_updated_at=opened, **{**same, "text": "Changed"}
        )
    with pytest.raises(ConcurrentEditError):  # a link only: a change too
        services.recommendation_update(
            recommendation=rec, by=editor, expected_updated_at=opened, **{**same, "themes": []}
        )
    assert trace(rec) == before


def test_a_real_change_after_a_no_op_is_saved_and_not_marked(editor, rec):
    services.recommendation_update(recommendation=rec, by=editor, text=rec.text)
    history = rec.history.count()

    result = services.recommendation_update(recommendation=rec, by=editor, page="7")

    assert not saved_nothing(result) and rec.history.count() == history + 1


def test_stale_form_with_a_change_is_409_and_without_one_a_no_op(
    editor, admin_user, rec, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    url = reverse("recommendations:edit", args=[rec.pk])
    opened = form_values(client.get(url).content, field="reference")
    services.recommendation_update(recommendation=rec, by=admin_user, text="Someone else's text")
    before = trace(rec)

    stale_change = client.post(url, {**opened, "page": "9"})
    stale_same = client.post(url, {**opened, "text": "Someone else's text"}, follow=True)

    assert stale_change.status_code == 409
    assert "No changes to save." in stale_same.content.decode()
    assert trace(rec) == before


def test_source_form_posted_back_unchanged_writes_nothing(editor, rec, source):
    client = client_for(editor)
    url = reverse("recommendations:source-edit", args=[source.pk])
    count, updated_at = source.history.count(), Source.objects.get(pk=source.pk).updated_at

    response = client.post(url, form_values(client.get(url).content, field="symbol"), follow=True)

    assert "No changes to save." in response.content.decode()
    assert (source.history.count(), Source.objects.get(pk=source.pk).updated_at) == (count, updated_at)
    changed = client.post(url, {**form_values(client.get(url).content, field="symbol"), "title": "New"})
    assert changed.status_code == 302 and source.history.count() == count + 1
