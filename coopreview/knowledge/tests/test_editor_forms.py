"""Editors' web forms: practices, case law, attachments. Who may use them, what they save, what the
history keeps, and that refused submissions leave nothing behind."""

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.knowledge import services
from coopreview.knowledge.conftest import make_docx, make_pdf
from coopreview.knowledge.enums import Measure, Visibility
from coopreview.knowledge.models import CaseLaw, Document, Practice

NON_EDITORS = ["outsider", "state_focal_point", "observer"]


def practice_data(**overrides) -> dict:
    data = {
        "title": "Relocation agreements with States",
        "title_fr": "Accords de réinstallation avec les États",
        "summary": "How the Registry negotiates relocation agreements.",
        "summary_fr": "",
        "body": "<p>Shared <strong>openly</strong>.</p><script>alert(1)</script>",
        "body_fr": "",
        "tags": "witnesses, relocation",
        "organisation": "",
        "measure": Measure.WITNESS_PROTECTION,
        "visibility": Visibility.PUBLIC,
        "recommendation_ids": "",
        "reason": "From the 2024 facilitation report",
    }
    return {**data, **overrides}


def decision_data(**overrides) -> dict:
    data = {
        "title": "Decision on the arrest warrant",
        "title_fr": "Décision relative au mandat d'arrêt",
        "situation": "Situation in Darfur",
        "case": "The Prosecutor v. X",
        "chamber": "Pre-Trial Chamber I",
        "date": "2021-03-04",
        "document_number": "ICC-02/05-01/09-397",
        "summary": "Non-compliance finding.",
        "summary_fr": "",
        "link": "https://www.icc-cpi.int/court-record/icc-02/05-01/09-397",
        "topics": "arrest, non-compliance",
        "measure": Measure.ARREST_SURRENDER,
        "visibility": Visibility.PUBLIC,
        "recommendation_ids": "",
        "reason": "Published decision",
    }
    return {**data, **overrides}


def edit_data(form_response) -> dict:
    """The edit form's own values (version included), as the browser would send them back."""
    form = form_response.context["form"]
    data = {}
    for field in form:
        value = field.field.prepare_value(field.value())
        if isinstance(value, list | tuple):
            data[field.name] = [str(v) for v in value]
        else:
            data[field.name] = "" if value is None else value
    return data


# --- Practices ------------------------------------------------------------------------------------


def test_editor_creates_practice_and_history_keeps_who_and_why(editor, orgs, leak_data):
    client = client_for(editor)
    page = client.get("/cooperation/practices/new/")
    assert page.status_code == 200
    assert_valid_html(page.content)
    ids = f"{leak_data['public'].pk}, http://testserver/recommendations/{leak_data['members'].pk}/"

    response = client.post(
        "/cooperation/practices/new/",
        practice_data(organisation=orgs["REGISTRY"].pk, recommendation_ids=ids),
    )

    practice = Practice.objects.get()
    assert response.status_code == 302 and response.url == f"/cooperation/practices/{practice.pk}/"
    assert practice.title_fr == "Accords de réinstallation avec les États"
    assert "<script>" not in practice.body and "<strong>openly</strong>" in practice.body
    assert practice.organisation == orgs["REGISTRY"]
    assert set(practice.recommendations.all()) == {leak_data["public"], leak_data["members"]}
    record = practice.history.get()
    assert record.history_user == editor
    assert record.history_change_reason == "From the 2024 facilitation report"
    detail = client.get(response.url)
    assert "Relocation agreements with States" in detail.content.decode()
    assert "Practice created" in detail.content.decode()
    assert_valid_html(detail.content)


def test_editor_edits_practice_and_sees_the_change_in_history(editor, knowledge_data):
    practice = knowledge_data["practices"]["public"]
    client = client_for(editor)
    page = client.get(f"/cooperation/practices/{practice.pk}/edit/")
    assert page.status_code == 200
    assert_valid_html(page.content)
    data = edit_data(page)
    data.update(title="Witness relocation: the revised practice", reason="Updated after the retreat")

    response = client.post(f"/cooperation/practices/{practice.pk}/edit/", data)

    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Witness relocation: the revised practice"
    record = practice.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == editor and record.history_change_reason == "Updated after the retreat"
    page = client.get(f"/cooperation/practices/{practice.pk}/edit/")
    body = page.content.decode()
    assert "Updated after the retreat" in body and "Witness relocation: the revised practice" in body
    assert_valid_html(page.content)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"recommendation_ids": "12abc"}, "Not a recommendation number: 12abc."),
        ({"recommendation_ids": "9" * 30}, "Not a recommendation number: 999"),
        ({"recommendation_ids": "999999"}, "No recommendation has the number 999999."),
        ({"visibility": Visibility.RESTRICTED}, "Name at least one organisation"),
        ({"reason": "x" * 101}, "at most 100 characters"),
    ],
)
def test_invalid_practice_is_422_and_nothing_is_saved(editor, knowledge_data, overrides, message):
    client = client_for(editor)
    practice = knowledge_data["practices"]["public"]
    before = Practice.objects.count()

    created = client.post("/cooperation/practices/new/", practice_data(**overrides))
    edited = client.post(f"/cooperation/practices/{practice.pk}/edit/", practice_data(**overrides))

    for response in (created, edited):
        assert response.status_code == 422
        assert message in response.content.decode()
        assert_valid_html(response.content)
    assert Practice.objects.count() == before
    practice.refresh_from_db()
    assert practice.title == "Public practice on witness relocation"


def test_stale_practice_form_is_409_with_the_other_change(editor, knowledge_data):
    practice = knowledge_data["practices"]["public"]
    client = client_for(editor)
    data = edit_data(client.get(f"/cooperation/practices/{practice.pk}/edit/"))
    services.practice_update(practice=practice, by=editor, reason="Colleague's fix", summary="Newer summary")
    data.update(title="My late change")

    response = client.post(f"/cooperation/practices/{practice.pk}/edit/", data)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this record" in body and "Newer summary" in body
    practice.refresh_from_db()
    assert practice.title == "Public practice on witness relocation"
    assert_valid_html(response.content)
    # Having reviewed the other change, the editor saves again: the form now carries the newer version.
    again = client.post(f"/cooperation/practices/{practice.pk}/edit/", edit_data(response))
    assert again.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "My late change"


def test_buttons_only_for_editors(editor, outsider, knowledge_data):
    practice, decision = knowledge_data["practices"]["public"], knowledge_data["decision"]
    pages = [
        ("/cooperation/practices/", "/cooperation/practices/new/"),
        (f"/cooperation/practices/{practice.pk}/", f"/cooperation/practices/{practice.pk}/edit/"),
        ("/cooperation/case-law/", "/cooperation/case-law/new/"),
        (f"/cooperation/case-law/{decision.pk}/", f"/cooperation/case-law/{decision.pk}/edit/"),
    ]

    for page, link in pages:
        assert link in client_for(editor).get(page).content.decode()
        assert link not in client_for(outsider).get(page).content.decode()


def test_practice_form_in_french(editor):
    client = client_for(editor)
    client.cookies["django_language"] = "fr"

    body = client.get("/cooperation/practices/new/").content.decode()

    assert "Nouvelle pratique" in body and "Motif de la modification" in body


# --- Case law -------------------------------------------------------------------------------------


def test_editor_creates_and_edits_decision(editor, leak_data):
    client = client_for(editor)
    page = client.get("/cooperation/case-law/new/")
    assert page.status_code == 200
    assert_valid_html(page.content)

    created = client.post(
        "/cooperation/case-law/new/", decision_data(recommendation_ids=str(leak_data["public"].pk))
    )

    decision = CaseLaw.objects.get()
    assert created.status_code == 302 and created.url == f"/cooperation/case-law/{decision.pk}/"
    assert decision.date == date(2021, 3, 4) and decision.chamber == "Pre-Trial Chamber I"
    assert list(decision.recommendations.all()) == [leak_data["public"]]
    assert decision.history.get().history_change_reason == "Published decision"
    page = client.get(f"/cooperation/case-law/{decision.pk}/edit/")
    assert 'type="date"' in page.content.decode() and 'value="2021-03-04"' in page.content.decode()
    assert_valid_html(page.content)
    data = edit_data(page)
    data.update(document_number="ICC-02/05-01/09-398", reason="Corrected the number")

    edited = client.post(f"/cooperation/case-law/{decision.pk}/edit/", data)

    assert edited.status_code == 302
    decision.refresh_from_db()
    assert decision.document_number == "ICC-02/05-01/09-398"
    record = decision.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == editor and record.history_change_reason == "Corrected the number"
    detail = client.get(edited.url)
    assert "ICC-02/05-01/09-398" in detail.content.decode()
    assert_valid_html(detail.content)


def test_invalid_decision_is_422_and_nothing_is_saved(editor):
    response = client_for(editor).post(
        "/cooperation/case-law/new/", decision_data(date="4 March", link="not a link")
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert "Enter a valid date." in body and "Enter a valid URL." in body
    assert CaseLaw.objects.count() == 0
    assert_valid_html(response.content)


# --- Who may use the forms ------------------------------------------------------------------------


def _editor_urls(knowledge_data) -> list[str]:
    practice = knowledge_data["practices"]["public"]
    return [
        "/cooperation/practices/new/",
        f"/cooperation/practices/{practice.pk}/edit/",
        f"/cooperation/practices/{practice.pk}/attachments/",
        f"/cooperation/documents/{knowledge_data['documents']['public'].pk}/delete/",
        "/cooperation/case-law/new/",
        f"/cooperation/case-law/{knowledge_data['decision'].pk}/edit/",
    ]


@pytest.mark.parametrize("persona", NON_EDITORS)
def test_non_editors_get_403_and_nothing_changes(request, knowledge_data, persona):
    client = client_for(request.getfixturevalue(persona))
    counts = (Practice.objects.count(), CaseLaw.objects.count(), Document.objects.count())
    upload = SimpleUploadedFile("guide.pdf", make_pdf("intruder"))

    for url in _editor_urls(knowledge_data):
        assert client.get(url).status_code == 403, url
        data = {**practice_data(), **decision_data(), "attachment-title": "X", "attachment-file": upload}
        assert client.post(url, data).status_code == 403, url

    assert (Practice.objects.count(), CaseLaw.objects.count(), Document.objects.count()) == counts
    practice = Practice.objects.get(pk=knowledge_data["practices"]["public"].pk)
    assert practice.title == "Public practice on witness relocation"
    assert CaseLaw.objects.get(pk=knowledge_data["decision"].pk).title == "Decision on witness relocation"


def test_anonymous_is_sent_to_sign_in(client, knowledge_data):
    for url in _editor_urls(knowledge_data):
        for response in (client.get(url), client.post(url, practice_data())):
            assert response.status_code == 302
            assert response.url.startswith(reverse("login") + "?next=")
    assert Practice.objects.count() == 3


@pytest.mark.parametrize("persona", NON_EDITORS)
def test_entries_the_user_cannot_see_are_404_not_403(request, knowledge_data, persona):
    client = client_for(request.getfixturevalue(persona))
    restricted = knowledge_data["practices"]["restricted"]
    urls = [
        f"/cooperation/practices/{restricted.pk}/edit/",
        f"/cooperation/practices/{restricted.pk}/attachments/",
        f"/cooperation/case-law/{knowledge_data['hidden_decision'].pk}/edit/",
        f"/cooperation/documents/{knowledge_data['documents']['restricted'].pk}/delete/",
    ]

    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, practice_data()).status_code == 404, url


def test_missing_entry_is_404_for_editors(editor, db):
    client = client_for(editor)

    assert client.get("/cooperation/practices/999999/edit/").status_code == 404
    assert client.get("/cooperation/case-law/999999/edit/").status_code == 404
    assert client.post("/cooperation/documents/999999/delete/").status_code == 404


# --- Attachments ----------------------------------------------------------------------------------


def _media_files(settings) -> list:
    media = settings.MEDIA_ROOT / "knowledge" / "documents"
    return sorted(media.iterdir()) if media.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.pdf", b"<html>not a pdf</html>", "minutes.pdf is neither a PDF nor a DOCX file."),
        ("minutes.pdf", b"%PDF-1.4 broken", "minutes.pdf could not be read as a PDF file."),
        ("minutes.pdf", "DOCX", "minutes.pdf is named as .pdf but its content is DOCX"),
    ],
)
def test_bad_upload_is_422_with_message_and_nothing_stored(
    editor, knowledge_data, settings, name, content, message
):
    practice = knowledge_data["practices"]["public"]
    content = make_docx("x") if content == "DOCX" else content
    files_before, count_before = _media_files(settings), Document.objects.count()

    response = client_for(editor).post(
        f"/cooperation/practices/{practice.pk}/attachments/",
        {
            "attachment-title": "Minutes",
            "attachment-language": "en",
            "attachment-file": SimpleUploadedFile(name, content),
        },
    )

    assert response.status_code == 422
    assert message in response.content.decode()
    assert Document.objects.count() == count_before
    assert not practice.attachments.exists()
    assert _media_files(settings) == files_before
    assert_valid_html(response.content)


def test_upload_without_file_is_422(editor, knowledge_data):
    practice = knowledge_data["practices"]["public"]

    response = client_for(editor).post(
        f"/cooperation/practices/{practice.pk}/attachments/", {"attachment-title": "Minutes"}
    )

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not practice.attachments.exists()


def test_editor_attaches_a_pdf_with_the_practice_access(editor, orgs, knowledge_data, court_focal_point):
    practice = knowledge_data["practices"]["restricted"]
    client = client_for(editor)
    page = client.get(f"/cooperation/practices/{practice.pk}/attachments/")
    assert page.status_code == 200
    assert_valid_html(page.content)

    response = client.post(
        f"/cooperation/practices/{practice.pk}/attachments/",
        {
            "attachment-title": "Relocation guide",
            "attachment-title_fr": "Guide de réinstallation",
            "attachment-language": "fr",
            "attachment-file": SimpleUploadedFile("guide.pdf", make_pdf("wombat relocation guide")),
        },
    )

    assert response.status_code == 302
    assert response.url == f"/cooperation/practices/{practice.pk}/edit/#attachments"
    document = practice.attachments.get()
    assert document.file_type == "pdf" and document.language == "fr" and document.filename == "guide.pdf"
    assert "wombat relocation guide" in document.text_content
    assert document.visibility == Visibility.RESTRICTED
    assert list(document.restricted_to.all()) == [orgs["OTP"]]
    assert document.history.get().history_user == editor
    edit_page = client.get(response.url)
    assert "Relocation guide" in edit_page.content.decode()
    assert_valid_html(edit_page.content)
    download = client_for(court_focal_point).get(f"/cooperation/documents/{document.pk}/")
    assert download.status_code == 200
    assert client_for(None).get(f"/cooperation/documents/{document.pk}/").status_code == 404


def test_attachments_narrow_when_the_practice_does(editor, orgs, knowledge_data):
    practice = knowledge_data["practices"]["public"]
    client = client_for(editor)
    client.post(
        f"/cooperation/practices/{practice.pk}/attachments/",
        {
            "attachment-title": "Memo",
            "attachment-language": "en",
            "attachment-file": SimpleUploadedFile("memo.docx", make_docx("numbat memo")),
        },
    )
    data = edit_data(client.get(f"/cooperation/practices/{practice.pk}/edit/"))
    data.update(visibility=Visibility.RESTRICTED, restricted_to=[str(orgs["OTP"].pk)], reason="Confidential")

    response = client.post(f"/cooperation/practices/{practice.pk}/edit/", data)

    assert response.status_code == 302
    document = practice.attachments.get()
    assert document.visibility == Visibility.RESTRICTED
    assert list(document.restricted_to.all()) == [orgs["OTP"]]
    assert client_for(None).get(f"/cooperation/documents/{document.pk}/").status_code == 404


def test_editor_deletes_an_attachment_after_confirming(
    editor, knowledge_data, django_capture_on_commit_callbacks
):
    practice = knowledge_data["practices"]["public"]
    document = services.document_upload(
        by=editor,
        title="Old guide",
        practice=practice,
        upload=SimpleUploadedFile("old.pdf", make_pdf("old guide")),
    )
    path = document.file.path
    client = client_for(editor)
    confirm = client.get(f"/cooperation/documents/{document.pk}/delete/")
    assert confirm.status_code == 200 and "old.pdf" in confirm.content.decode()
    assert_valid_html(confirm.content)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cooperation/documents/{document.pk}/delete/", {"reason": "Superseded"})

    assert response.status_code == 302
    assert response.url == f"/cooperation/practices/{practice.pk}/edit/#attachments"
    assert not Document.objects.filter(pk=document.pk).exists()
    deleted = Document.history.filter(id=document.pk, history_type="-").get()
    assert deleted.history_user == editor and deleted.history_change_reason == "Superseded"
    assert not Path(path).exists()
    detail = client.get(f"/cooperation/practices/{practice.pk}/").content.decode()
    assert "“Old guide” deleted." in detail  # the message; the attachment itself is gone
    assert f"/cooperation/documents/{document.pk}/" not in detail


def test_delete_confirmation_page_deletes_nothing(editor, knowledge_data):
    document = knowledge_data["documents"]["public"]

    client_for(editor).get(f"/cooperation/documents/{document.pk}/delete/")

    assert Document.objects.filter(pk=document.pk).exists()
