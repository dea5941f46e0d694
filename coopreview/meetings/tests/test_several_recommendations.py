"""An agenda item takes several recommendations: service, form, decisions, display, and no leak."""

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.meetings import decisions, services
from coopreview.meetings.enums import ChangeKind, ParticipantRole
from coopreview.meetings.models import AgendaItem
from coopreview.meetings.services import MeetingPermissionDenied
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation


@pytest.fixture
def second_public(leak_data, orgs) -> Recommendation:
    rec = Recommendation.objects.create(
        source=leak_data["public"].source,
        reference="4",
        text="Public recommendation on arrest strategies.",
        visibility=Visibility.PUBLIC,
    )
    rec.addressees.set([orgs["ICC"]])
    return rec


def test_an_item_links_several_recommendations_in_one_history_record(
    meeting, facilitator, leak_data, second_public
):
    item = services.agenda_item_add(
        meeting=meeting,
        by=facilitator,
        title="Arrests",
        recommendations=[leak_data["public"], second_public, leak_data["public"]],
    )

    assert set(item.recommendations.all()) == {leak_data["public"], second_public}
    (record,) = item.history.all()
    assert {link.recommendation_id for link in record.recommendations.all()} == {
        leak_data["public"].pk,
        second_public.pk,
    }
    assert record.history_user == facilitator


def test_one_hidden_recommendation_among_several_writes_nothing(meeting, facilitator, leak_data):
    hidden = leak_data["restricted"]
    with pytest.raises(MeetingPermissionDenied) as denied:
        services.agenda_item_add(
            meeting=meeting, by=facilitator, title="Mixed", recommendations=[leak_data["public"], hidden]
        )

    assert str(hidden.pk) in str(denied.value) and str(hidden) not in str(denied.value)
    assert not AgendaItem.objects.filter(title="Mixed").exists()


def test_the_form_takes_typed_numbers_and_shows_every_recommendation(
    meeting, facilitator, leak_data, second_public
):
    client = client_for(facilitator)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/new/",
        {
            "title": "Arrests",
            "recommendation_ids": f"{leak_data['public'].pk}, /recommendations/{second_public.pk}/",
        },
    )

    assert response.status_code == 302
    item = AgendaItem.objects.get(title="Arrests")
    assert set(item.recommendations.all()) == {leak_data["public"], second_public}
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert_valid_html(page)
    assert f'href="/recommendations/{second_public.pk}/"' in page
    assert "Recommendations" in page


@pytest.mark.parametrize("typed", ["999999", "abc"])
def test_an_unknown_or_malformed_number_is_named_and_nothing_is_written(
    meeting, facilitator, leak_data, typed
):
    response = client_for(facilitator).post(
        f"/meetings/{meeting.pk}/agenda/new/",
        {"title": "Bad", "recommendation_ids": f"{leak_data['public'].pk} {typed}"},
    )

    body = response.content.decode()
    assert response.status_code == 422 and not AgendaItem.objects.filter(title="Bad").exists()
    assert typed in body and (
        "No recommendation has the number" in body or "Not a recommendation number" in body
    )


def test_an_item_with_a_hidden_recommendation_leaks_nowhere(
    meeting, editor, outsider, court_focal_point, leak_data, django_capture_on_commit_callbacks
):
    """The outsider takes part in the meeting; an item about a public and a restricted recommendation is
    left out whole for them: page, agenda exports, .ics and the invitation e-mail."""
    services.participant_add(meeting=meeting, by=editor, user=outsider, role=ParticipantRole.OBSERVER)
    services.agenda_item_add(
        meeting=meeting,
        by=editor,
        title="Wallabycode joint point",
        recommendations=[leak_data["public"], leak_data["restricted"]],
    )
    restricted = str(leak_data["restricted"])
    secret = ("Wallabycode", "quokkacode", restricted)

    client = client_for(outsider)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    ics = client.get(f"/meetings/{meeting.pk}/meeting.ics").content.decode()
    docx = client.get(f"/meetings/{meeting.pk}/agenda.docx").content
    from docx import Document

    docx_text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=meeting, by=editor)
    (email,) = [m for m in mail.outbox if m.to == [outsider.email]]
    panel = client.get(f"/recommendations/{leak_data['public'].pk}/").content.decode()

    for text in (page, ics, docx_text, email.body, panel):
        assert not any(word.lower() in text.lower() for word in secret)
    assert "Cooperation agreements" in page  # the item about the public recommendation alone is there
    # Someone who may see both recommendations sees the item and both references.
    insider = client_for(court_focal_point).get(f"/meetings/{meeting.pk}/").content.decode()
    assert (
        "Wallabycode joint point" in insider and restricted in insider and str(leak_data["public"]) in insider
    )


def test_the_email_ics_and_panel_list_every_linked_recommendation(
    meeting, editor, facilitator, leak_data, second_public, django_capture_on_commit_callbacks
):
    services.agenda_item_add(
        meeting=meeting, by=editor, title="Arrests", recommendations=[leak_data["public"], second_public]
    )
    refs = f"({leak_data['public']}, {second_public})"
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=meeting, by=editor)
    (email,) = [m for m in mail.outbox if m.to == [facilitator.email]]
    ics = client_for(facilitator).get(f"/meetings/{meeting.pk}/meeting.ics").content.decode()
    ics = ics.replace("\r\n ", "").replace("\\,", ",")  # unfolded, commas unescaped
    panel = client_for(facilitator).get(f"/recommendations/{second_public.pk}/").content.decode()

    assert f"Arrests {refs}" in email.body
    assert f"Arrests {refs}" in ics
    assert "Arrests (with" in panel and f'href="/recommendations/{leak_data["public"].pk}/"' in panel


def test_a_decision_chooses_among_the_items_recommendations(meeting, editor, flag, leak_data, second_public):
    item = services.agenda_item_add(
        meeting=meeting, by=editor, title="Arrests", recommendations=[leak_data["public"], second_public]
    )
    services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    change = {"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag}

    with pytest.raises(ValidationError) as unchosen:
        decisions.decision_record(item=item, by=editor, text="Priority.", changes=[change])
    with pytest.raises(ValidationError):
        decisions.decision_record(
            item=item,
            by=editor,
            text="Priority.",
            changes=[{**change, "recommendation": leak_data["members"]}],
        )
    decision = decisions.decision_record(
        item=item, by=editor, text="Priority.", changes=[{**change, "recommendation": second_public}]
    )

    assert "choose the one" in str(unchosen.value)
    assert decision.changes.get().recommendation == second_public
    assert item.decisions.count() == 1  # the two refused attempts wrote nothing
    form = client_for(editor).get(f"/meetings/items/{item.pk}/decisions/new/").content.decode()
    assert 'name="recommendation"' in form and str(second_public) in form
