"""Pages: contents per persona, bad input (4xx, nothing saved), hidden items, documents, exports."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.meetings import services
from coopreview.meetings.models import AgendaDocument, AgendaItem, Meeting, Session

HIDDEN = ("Zebracode", "Quokkacode", "zebracode", "quokkacode")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_list_shows_upcoming_and_past_meetings(make_meeting, editor):
    make_meeting(title="Next week", days=7)
    make_meeting(title="Last month", days=-30)
    client = client_for(editor)

    upcoming = client.get("/meetings/").content.decode()
    past = client.get("/meetings/?when=past").content.decode()

    assert "Next week" in upcoming and "Last month" not in upcoming
    assert "Last month" in past and "Next week" not in past
    assert "1 meeting" in upcoming
    assert_valid_html(upcoming)


def test_list_shows_participants_only_their_meetings(meeting, make_meeting, observer, outsider):
    make_meeting(title="Closed Bureau meeting", days=5)

    mine = client_for(observer).get("/meetings/").content.decode()
    none = client_for(outsider).get("/meetings/").content.decode()

    assert escape(meeting.title) in mine and "Closed Bureau meeting" not in mine
    assert "No meetings." in none and escape(meeting.title) not in none


def test_list_needs_sign_in(client, db):
    response = client.get("/meetings/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _list_queries(client) -> tuple[int, str]:
    client.get("/meetings/")  # warm the session and the user's roles
    with CaptureQueriesContext(connection) as ctx:
        body = client.get("/meetings/").content.decode()
    return len(ctx.captured_queries), body


@pytest.mark.parametrize("persona", ["editor", "observer"])
def test_list_query_count_is_constant_for_1_and_3_meetings(request, make_meeting, editor, observer, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)

    def add(n: int) -> None:
        m = make_meeting(title=f"Meeting {n}", days=n + 1)
        services.participant_add(meeting=m, by=editor, user=observer, role="observer")

    add(0)
    one, body_one = _list_queries(client)
    add(1)
    add(2)
    three, body_three = _list_queries(client)

    assert "1 meeting" in body_one and "3 meetings" in body_three
    assert one == three


def test_detail_hides_items_an_observer_may_not_see(meeting, observer):
    response = client_for(observer).get(f"/meetings/{meeting.pk}/")

    body = response.content.decode()
    assert "Cooperation agreements" in body and "Any other business" in body
    assert not any(word in body for word in HIDDEN)
    assert "Send invitations" not in body
    assert_valid_html(body)


def test_detail_shows_everything_to_the_organiser(meeting, editor):
    body = client_for(editor).get(f"/meetings/{meeting.pk}/").content.decode()

    assert "Zebracode witness relocation" in body and "Quokkacode prosecutor matter" in body
    assert "Send invitations" in body and "Add a session" in body
    assert_valid_html(body)


def test_hidden_item_urls_are_404_for_those_who_may_not_see_them(meeting, observer, editor):
    hidden = meeting.agenda_items.get(title="Quokkacode prosecutor matter")
    document = services.document_add(
        item=hidden, by=editor, title="Quokkacode note", upload=SimpleUploadedFile("note.pdf", PDF)
    )
    client = client_for(observer)

    assert client.get(f"/meetings/items/{hidden.pk}/minutes/").status_code == 404
    assert client.get(f"/meetings/documents/{document.pk}/").status_code == 404
    assert client_for(editor).get(f"/meetings/documents/{document.pk}/").status_code == 200


def test_create_meeting_through_the_form(editor, orgs):
    response = client_for(editor).post(
        "/meetings/new/",
        {
            "title": "Bureau meeting",
            "type": "bureau",
            "start": "2027-03-28T10:00",
            "end": "2027-03-28T12:00",
            "time_zone": "Europe/Amsterdam",
            "organisers": [orgs["RM"].pk],
            "place": "World Forum",
        },
    )

    meeting = Meeting.objects.get(title="Bureau meeting")
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.start.isoformat() == "2027-03-28T08:00:00+00:00"  # summer time began that night


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end": "2027-03-01T09:00"}, "end", "The end must be after the start."),
        ({"time_zone": "Europe/Gotham"}, "time_zone", "“Europe/Gotham” is not a known time zone"),
        ({"start": "2027-03-28T02:30"}, "start", "does not exist or happens twice"),
    ],
)
def test_create_meeting_bad_input_is_a_422_naming_the_field(editor, change, field, message):
    data = {
        "title": "Bad",
        "type": "bureau",
        "start": "2027-03-01T10:00",
        "end": "2027-03-01T12:00",
        "time_zone": "Europe/Amsterdam",
        **change,
    }

    response = client_for(editor).post("/meetings/new/", data)

    body = response.content.decode()
    assert response.status_code == 422
    assert f'id="id_{field}_error"' in body and escape(message) in body
    assert_valid_html(body)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "observer", "state_focal_point", "court_focal_point"])
def test_wrong_roles_may_not_create_meetings(request, persona):
    response = client_for(request.getfixturevalue(persona)).post("/meetings/new/", {"title": "X"})

    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_overlapping_session_in_one_room_is_a_422(meeting, editor):
    local = timezone.localtime(meeting.start, meeting.tz)
    fmt = "%Y-%m-%dT%H:%M"
    client = client_for(editor)
    first = {
        "title": "Introduction",
        "start": local.strftime(fmt),
        "end": (local + timedelta(hours=1)).strftime(fmt),
        "room": "Room A",
    }
    clash = {**first, "title": "Technical", "start": (local + timedelta(minutes=30)).strftime(fmt)}

    ok = client.post(f"/meetings/{meeting.pk}/sessions/new/", first)
    bad = client.post(f"/meetings/{meeting.pk}/sessions/new/", clash)

    assert ok.status_code == 302
    assert bad.status_code == 422 and "already taken by the session" in bad.content.decode()
    assert list(Session.objects.values_list("title", flat=True)) == ["Introduction"]


def test_agenda_form_offers_only_recommendations_the_author_sees(meeting, facilitator):
    client = client_for(facilitator)
    body = client.get(f"/meetings/{meeting.pk}/agenda/new/").content.decode()
    hidden = meeting.agenda_items.get(title="Quokkacode prosecutor matter").recommendations.get()

    response = client.post(
        f"/meetings/{meeting.pk}/agenda/new/", {"title": "Sneak", "recommendation_ids": str(hidden.pk)}
    )

    # No list of recommendations on the page at all: their numbers are typed.
    assert "ICC-ASP/19/16 3" not in body and 'name="recommendation_ids"' in body
    assert response.status_code == 422 and not AgendaItem.objects.filter(title="Sneak").exists()
    assert f"No recommendation has the number {hidden.pk}." in response.content.decode()
    assert "ICC-ASP/19/16 3" not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ\x90\x00", "are not accepted"),
        ("fake.pdf", b"<html>not a pdf</html>", "do not match"),
    ],
)
def test_document_upload_refuses_bad_files(meeting, editor, name, content, message):
    item = meeting.agenda_items.first()

    response = client_for(editor).post(
        f"/meetings/items/{item.pk}/documents/new/", {"title": "x", "file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 422 and message in response.content.decode()
    assert not AgendaDocument.objects.exists()


def test_document_upload_and_download(meeting, editor, state_focal_point, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = meeting.agenda_items.get(title="Cooperation agreements")

    response = client_for(editor).post(
        f"/meetings/items/{item.pk}/documents/new/",
        {"title": "Background note", "file": SimpleUploadedFile("note.pdf", PDF)},
    )
    document = AgendaDocument.objects.get()
    download = client_for(state_focal_point).get(f"/meetings/documents/{document.pk}/")

    assert response.status_code == 302
    assert document.size == len(PDF) and str(tmp_path) in document.file.path
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert 'filename="note.pdf"' in download["Content-Disposition"]


def test_document_too_large_is_refused(meeting, editor, settings):
    settings.UPLOAD_MAX_BYTES = 10
    item = meeting.agenda_items.first()

    response = client_for(editor).post(
        f"/meetings/items/{item.pk}/documents/new/", {"title": "x", "file": SimpleUploadedFile("a.pdf", PDF)}
    )

    assert response.status_code == 422 and "too large" in response.content.decode()


def test_agenda_pdf_and_docx_leave_out_hidden_items(meeting, observer, editor):
    import pdfplumber
    from docx import Document

    client = client_for(observer)
    pdf = client.get(f"/meetings/{meeting.pk}/agenda.pdf")
    docx = client.get(f"/meetings/{meeting.pk}/agenda.docx")
    full = client_for(editor).get(f"/meetings/{meeting.pk}/agenda.pdf")

    with pdfplumber.open(io.BytesIO(pdf.content)) as doc:
        pdf_text = "\n".join(page.extract_text() for page in doc.pages)
    with pdfplumber.open(io.BytesIO(full.content)) as doc:
        full_text = "\n".join(page.extract_text() for page in doc.pages)
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert pdf["Content-Type"] == "application/pdf"
    assert "Cooperation agreements" in pdf_text and "Cooperation agreements" in docx_text
    assert "Agenda: Dialogue with the Court" in docx_text
    assert not any(word in pdf_text + docx_text for word in HIDDEN)
    assert "Quokkacode prosecutor matter" in full_text


def test_minutes_export_only_for_held_meetings_and_unknown_formats_404(meeting, editor):
    client = client_for(editor)

    assert client.get(f"/meetings/{meeting.pk}/minutes.pdf").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/agenda.exe").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/budget.pdf").status_code == 404


def test_minutes_docx_carries_minutes_and_decisions(meeting, editor):
    from docx import Document

    from coopreview.meetings import decisions

    services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    item = meeting.agenda_items.get(title="Cooperation agreements")
    services.agenda_item_set_minutes(item=item, by=editor, minutes="The States asked for model agreements.")
    decisions.decision_record(item=item, by=editor, text="Draft a model agreement.")

    response = client_for(editor).get(f"/meetings/{meeting.pk}/minutes.docx")

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "The States asked for model agreements." in text and "Draft a model agreement." in text


def test_pages_are_in_french(meeting, editor):
    client = client_for(editor)
    client.cookies["django_language"] = "fr"

    body = client.get(f"/meetings/{meeting.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    listing = client.get("/meetings/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Ordre du jour" in body and "Envoyer les invitations" in body and "Prévue" in body
    assert "Réunions à venir" in listing and "1 réunion" in listing


def test_inviting_without_invitees_is_a_409_with_the_reason(make_meeting, editor):
    meeting = make_meeting()

    response = client_for(editor).post(f"/meetings/{meeting.pk}/invite/")

    assert response.status_code == 409
    assert "No participant has an email address" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).invitations_sent_at is None


def test_cancel_through_the_page_tells_the_invitees(meeting, editor, django_capture_on_commit_callbacks):
    from django.core import mail

    client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/meetings/{meeting.pk}/invite/")
    mail.outbox.clear()

    confirm = client.get(f"/meetings/{meeting.pk}/cancel/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": "Postponed to the spring"})

    assert confirm.status_code == 200 and "This cannot be undone." in confirm.content.decode()
    assert_valid_html(confirm.content)
    assert response.status_code == 302
    assert (
        Meeting.objects.get(pk=meeting.pk).history.first().history_change_reason == "Postponed to the spring"
    )
    assert Meeting.objects.get(pk=meeting.pk).status == "cancelled"
    assert len(mail.outbox) == 5 and all(m.subject.startswith("Cancelled:") for m in mail.outbox)
    again = client.post(f"/meetings/{meeting.pk}/cancel/")
    assert again.status_code == 409 and "Only a planned meeting can be cancelled." in again.content.decode()


def test_item_linked_to_an_action_on_a_hidden_recommendation_is_left_out(
    meeting, editor, observer, orgs, leak_data
):
    from coopreview.followup.models import Action

    action = Action.objects.create(title="Wombat relocation plan", lead=orgs["RM"])
    action.recommendations.set([leak_data["members"]])
    item = services.agenda_item_add(
        meeting=meeting, by=editor, title="Progress of the wombat plan", action=action
    )

    organiser = client_for(editor).get(f"/meetings/{meeting.pk}/").content.decode()
    outsider_view = client_for(observer).get(f"/meetings/{meeting.pk}/").content.decode()
    ics = client_for(observer).get(f"/meetings/{meeting.pk}/meeting.ics").content.decode()

    assert "Progress of the wombat plan" in organiser and "Wombat relocation plan" in organiser
    assert "wombat" not in outsider_view.lower() and "wombat" not in ics.lower()
    assert client_for(observer).get(f"/meetings/items/{item.pk}/minutes/").status_code == 404


def test_every_form_page_is_valid_html(meeting, editor):
    from coopreview.meetings import decisions

    services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    item = meeting.agenda_items.first()
    decisions.decision_record(item=item, by=editor, text="Noted.")
    client = client_for(editor)
    urls = [
        "/meetings/new/",
        "/meetings/calendar/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/agenda/new/",
        f"/meetings/items/{item.pk}/minutes/",
        f"/meetings/items/{item.pk}/decisions/new/",
        f"/meetings/items/{item.pk}/documents/new/",
        "/meetings/?when=past",
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_valid_html(response.content)


def test_edit_form_shows_times_in_the_meetings_zone_and_saving_a_change_raises_the_sequence(
    make_meeting, editor, django_capture_on_commit_callbacks
):
    from datetime import datetime

    from coopreview.meetings.forms import local_datetime

    meeting = make_meeting(
        start=local_datetime(datetime(2027, 6, 1, 15, 0), "Asia/Tokyo"),
        end=local_datetime(datetime(2027, 6, 1, 17, 0), "Asia/Tokyo"),
        time_zone="Asia/Tokyo",
    )
    services.participant_add(meeting=meeting, by=editor, user=editor, role="chair")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=meeting, by=editor)
    client = client_for(editor)
    form = client.get(f"/meetings/{meeting.pk}/edit/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/meetings/{meeting.pk}/edit/",
            {
                "title": meeting.title,
                "type": meeting.type,
                "start": "2027-06-01T16:00",
                "end": "2027-06-01T17:00",
                "time_zone": "Asia/Tokyo",
            },
        )

    assert 'value="2027-06-01T15:00"' in form
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.start.isoformat() == "2027-06-01T07:00:00+00:00"
