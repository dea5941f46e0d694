"""Bad input on every form: a clear message naming the problem, a 4xx, nothing half-written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coopreview.assistance.enums import Status
from coopreview.assistance.models import AssistanceRequest, Correspondence, RequestTemplate
from coopreview.core.testing import assert_valid_html, client_for

pytestmark = pytest.mark.django_db


def test_template_of_another_kind_refused(court_focal_point, orgs, arrest_template):
    response = client_for(court_focal_point).post(
        reverse("assistance:new"),
        {
            "requesting_organ": orgs["OTP"].pk,
            "requested_state": orgs["SEN"].pk,
            "kind": "assets",
            "language": "en",
            "template": arrest_template.pk,
            "title": "Assets",
        },
    )

    assert response.status_code == 422
    assert "This template is for another kind of assistance" in response.content.decode()
    assert not AssistanceRequest.objects.exists()


def test_draft_page_and_new_form_are_valid_html(court_focal_point, otp_draft):
    client = client_for(court_focal_point)

    for url in (
        reverse("assistance:new"),
        reverse("assistance:detail", args=[otp_draft.pk]),
        reverse("assistance:edit", args=[otp_draft.pk]),
        reverse("assistance:templates"),
        reverse("assistance:template_new"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert_valid_html(response.content)


def test_sending_an_incomplete_draft_is_refused(court_focal_point, otp_draft):
    response = client_for(court_focal_point).post(
        reverse("assistance:status", args=[otp_draft.pk]), {"status": Status.SENT, "on": "2026-01-01"}
    )

    assert response.status_code == 422
    assert "Complete the checklist before marking the request as sent." in response.content.decode()
    otp_draft.refresh_from_db()
    assert otp_draft.status == Status.DRAFT


def test_status_not_allowed_from_here(state_focal_point, otp_request):
    response = client_for(state_focal_point).post(
        reverse("assistance:status", args=[otp_request.pk]), {"status": Status.WITHDRAWN, "on": "2026-01-01"}
    )

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_attachment_of_a_forbidden_type_refused(court_focal_point, otp_request):
    upload = SimpleUploadedFile("payload.exe", b"MZ...", content_type="application/octet-stream")

    response = client_for(court_focal_point).post(
        reverse("assistance:correspondence", args=[otp_request.pk]),
        {"direction": "out", "on": otp_request.sent_on.isoformat(), "summary": "Annex", "file": upload},
    )

    assert response.status_code == 422
    assert "payload.exe: only PDF, DOCX, ODT and text files may be attached." in response.content.decode()
    assert not Correspondence.objects.exists()


def test_attachment_download_audited_and_confined(
    court_focal_point, state_focal_point, france_focal_point, otp_request
):
    upload = SimpleUploadedFile("note.txt", b"Note verbale text", content_type="text/plain")
    client_for(court_focal_point).post(
        reverse("assistance:correspondence", args=[otp_request.pk]),
        {"direction": "out", "on": otp_request.sent_on.isoformat(), "summary": "Annex", "file": upload},
    )
    entry = Correspondence.objects.get()
    url = reverse("assistance:attachment", args=[otp_request.pk, entry.pk])

    mine = client_for(state_focal_point).get(url)
    theirs = client_for(france_focal_point).get(url)

    assert mine.status_code == 200 and b"".join(mine.streaming_content) == b"Note verbale text"
    assert theirs.status_code == 404


def test_bad_checklist_position_and_export_format(court_focal_point, otp_draft):
    client = client_for(court_focal_point)

    tick = client.post(reverse("assistance:checklist", args=[otp_draft.pk]), {"done": ["99"]})
    export = client.get(f"/assistance/{otp_draft.pk}/export.exe")

    assert tick.status_code == 422
    assert export.status_code == 404
    otp_draft.refresh_from_db()
    assert not any(entry["done"] for entry in otp_draft.checklist)


def test_sent_request_text_cannot_change(court_focal_point, otp_request):
    response = client_for(court_focal_point).post(
        reverse("assistance:edit", args=[otp_request.pk]), {"title": "Changed", "body": "x"}
    )

    otp_request.refresh_from_db()
    assert response.status_code == 302 and otp_request.title != "Changed"


def test_status_form_chooses_no_move_in_advance(court_focal_point, otp_draft):
    """The first move offered on a draft is withdrawing it: the form must not pick it for the user."""
    client = client_for(court_focal_point)
    page = client.get(reverse("assistance:detail", args=[otp_draft.pk])).content.decode()
    select = page.split('id="status_status"', 1)[1].split("</select>", 1)[0]
    assert select.index('<option value="" selected>') < select.index(f'value="{Status.WITHDRAWN}"')

    response = client.post(
        reverse("assistance:status", args=[otp_draft.pk]), {"status": "", "on": "2026-01-01"}
    )

    assert response.status_code == 422
    otp_draft.refresh_from_db()
    assert otp_draft.status == Status.DRAFT


def test_detail_page_in_french(court_focal_point, otp_request):
    client = client_for(court_focal_point)
    client.cookies["django_language"] = "fr"

    response = client.get(reverse("assistance:detail", args=[otp_request.pk]))

    page = response.content.decode()
    assert "Envoyée" in page and "État requis : Sénégal" in page  # not "Exigences de Sénégal"
    # the page is French, the request English: its text and checklist say so to a screen reader
    assert '<div class="rfa-body" lang="en">' in page and '<ul lang="en">' in page


def test_tracking_page_is_valid_html_for_both_sides(court_focal_point, state_focal_point, otp_request):
    for user in (court_focal_point, state_focal_point):
        response = client_for(user).get(reverse("assistance:detail", args=[otp_request.pk]))
        assert response.status_code == 200
        assert_valid_html(response.content)


def test_template_written_by_a_court_user(court_focal_point):
    client = client_for(court_focal_point)

    bad = client.post(reverse("assistance:template_new"), {"kind": "arrest", "language": "de", "title": "X"})
    good = client.post(
        reverse("assistance:template_new"),
        {
            "kind": "arrest",
            "language": "fr",
            "title": "Arrestation",
            "body": "À {{ authority }}",
            "is_active": "on",
        },
    )

    assert bad.status_code == 422 and "Select a valid choice" in bad.content.decode()
    assert good.status_code == 302
    assert RequestTemplate.objects.get().body == "À {{ authority }}"


def test_history_shown_to_the_requesting_organ_only(court_focal_point, state_focal_point, otp_request):
    organ = client_for(court_focal_point).get(reverse("assistance:detail", args=[otp_request.pk]))
    state = client_for(state_focal_point).get(reverse("assistance:detail", args=[otp_request.pk]))

    assert 'id="history-title"' in organ.content.decode()
    assert "Sent on" in organ.content.decode()  # the sent_on field's change, with its label
    assert 'id="history-title"' not in state.content.decode()
    assert_valid_html(organ.content)


def test_a_refused_form_that_shows_the_request_is_an_audited_read(court_focal_point, otp_draft):
    from coopreview.audit.enums import AuditAction
    from coopreview.audit.models import AuditEvent

    client_for(court_focal_point).post(
        reverse("assistance:status", args=[otp_draft.pk]), {"status": Status.SENT, "on": "2026-01-01"}
    )

    event = AuditEvent.objects.get(action=AuditAction.READ)
    assert event.object_id == str(otp_draft.pk) and event.detail["status"] == 422
