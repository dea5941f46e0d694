"""Drafting from a State's profile, the status workflow, reminders and exports."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from coopreview.assistance import services
from coopreview.assistance.conftest import draft
from coopreview.assistance.drafting import requirements_for
from coopreview.assistance.enums import Kind, Language, Status
from coopreview.assistance.models import RequestReminderSent, RequestTemplate, StatusChange
from coopreview.inbox.models import Notification

pytestmark = pytest.mark.django_db


def test_draft_carries_the_state_requirements(orgs, court_focal_point, sen_arrest_profile, arrest_template):
    request = draft(court_focal_point, orgs["OTP"], orgs["SEN"], template=arrest_template)

    assert request.status == Status.DRAFT
    assert "To: Procureur général walrusauth through Diplomatic channel." in request.body
    assert "Legal basis: Loi 2024-01 on cooperation." in request.body
    assert "Certified copy of the warrant, in French." in request.body
    assert "Contact: [to be completed]" in request.body  # the profile gives no contact
    assert "{{ nonsense }}" in request.body  # unknown placeholders stay as typed
    items = [entry["item"] for entry in request.checklist]
    assert items[:2] == ["Warrant attached", "Description of the person"]
    assert "Legal basis cited: Loi 2024-01 on cooperation" in items
    assert not request.checklist_complete
    assert request.reference.startswith(f"RFA-{timezone.localdate().year}-")


def test_requirements_list_missing_stale_and_language(orgs, court_focal_point, sen_arrest_profile):
    sen_arrest_profile.last_verified_on = timezone.localdate() - timedelta(days=800)
    sen_arrest_profile.save()

    req = requirements_for(
        user=court_focal_point, state=orgs["SEN"], kind=Kind.ARREST_SURRENDER, language="en"
    )

    assert "The profile does not give the points of contact." in req.missing
    assert "more than 365 days ago" in req.outdated
    assert "French" in req.language_warning  # the request is in English, the State accepts French
    assert len(req.problems) == 3


def test_requirements_without_a_profile_section(orgs, court_focal_point):
    req = requirements_for(user=court_focal_point, state=orgs["ALB"], kind=Kind.ASSETS, language="fr")

    assert req.profile is None
    assert req.missing == ["The profile of Albania has no section on this kind of assistance."]


def test_draft_for_another_organ_refused(orgs, court_focal_point, sen_arrest_profile):
    with pytest.raises(services.AssistanceError, match="your own organ"):
        draft(court_focal_point, orgs["REGISTRY"], orgs["SEN"])


def test_send_needs_a_complete_checklist(orgs, court_focal_point, sen_arrest_profile, arrest_template):
    request = draft(court_focal_point, orgs["OTP"], orgs["SEN"], template=arrest_template)

    with pytest.raises(services.AssistanceError, match="Complete the checklist"):
        services.request_set_status(request=request, by=court_focal_point, status=Status.SENT)

    request.refresh_from_db()
    assert request.status == Status.DRAFT and request.sent_on is None


def test_request_goes_through_its_statuses(
    orgs, otp_request, court_focal_point, state_focal_point, obstacles
):
    today = timezone.localdate()
    assert otp_request.sent_on == today

    services.request_set_status(request=otp_request, by=state_focal_point, status=Status.ACKNOWLEDGED)
    services.request_set_status(request=otp_request, by=state_focal_point, status=Status.IN_EXECUTION)
    services.request_set_status(
        request=otp_request,
        by=state_focal_point,
        status=Status.PARTLY_EXECUTED,
        note="Assets not found",
        obstacles=obstacles[:1],
    )

    otp_request.refresh_from_db()
    assert otp_request.acknowledged_on == today and otp_request.closed_on == today
    assert list(otp_request.obstacles.all()) == obstacles[:1]
    steps = list(StatusChange.objects.filter(request=otp_request).values_list("status", flat=True))
    assert steps == ["draft", "sent", "acknowledged", "in_execution", "partly_executed"]
    with pytest.raises(services.AssistanceError, match="may not move"):
        services.request_set_status(request=otp_request, by=court_focal_point, status=Status.EXECUTED)


def test_state_may_not_withdraw_and_dates_are_checked(otp_request, state_focal_point, court_focal_point):
    today = timezone.localdate()

    with pytest.raises(services.AssistanceError, match="may not move"):
        services.request_set_status(request=otp_request, by=state_focal_point, status=Status.WITHDRAWN)
    with pytest.raises(services.AssistanceError, match="in the future"):
        services.request_set_status(
            request=otp_request,
            by=state_focal_point,
            status=Status.ACKNOWLEDGED,
            on=today + timedelta(days=1),
        )
    with pytest.raises(services.AssistanceError, match="before the request was sent"):
        services.request_set_status(
            request=otp_request,
            by=state_focal_point,
            status=Status.ACKNOWLEDGED,
            on=today - timedelta(days=3),
        )
    services.request_set_status(request=otp_request, by=court_focal_point, status=Status.WITHDRAWN)
    assert otp_request.status == Status.WITHDRAWN


def test_obstacles_only_on_closing(otp_request, state_focal_point, obstacles):
    with pytest.raises(services.AssistanceError, match="when the request closes"):
        services.request_set_status(
            request=otp_request, by=state_focal_point, status=Status.ACKNOWLEDGED, obstacles=obstacles
        )


def test_sending_notifies_the_state_focal_points(state_focal_point, court_focal_point, otp_request):
    notes = Notification.objects.filter(recipient=state_focal_point)

    assert notes.count() == 1
    assert notes.get().target == otp_request.reference  # never the confidential subject
    assert not Notification.objects.filter(recipient=court_focal_point).exists()  # not the actor


def test_reminders_once_per_request_person_and_day(state_focal_point, court_focal_point, otp_request):
    otp_request.deadline = timezone.localdate() + timedelta(days=3)
    otp_request.save()
    out = io.StringIO()

    call_command("remind", stdout=out)
    call_command("remind", stdout=out)

    emails = [m for m in mail.outbox if "request(s) for assistance" in m.subject]
    assert sorted(m.to[0] for m in emails) == ["court@example.org", "state@example.org"]
    assert otp_request.reference in emails[0].body and "zebrasuspect" not in emails[0].body
    assert RequestReminderSent.objects.count() == 2
    assert "2 request reminder(s) sent." in out.getvalue() and "0 request reminder(s) sent." in out.getvalue()


def test_reminders_skip_closed_drafts_and_far_deadlines(orgs, otp_request, otp_draft, court_focal_point):
    otp_draft.deadline = timezone.localdate()
    otp_draft.save()
    otp_request.deadline = timezone.localdate() + timedelta(days=30)
    otp_request.save()

    sent = services.reminders_send(days=14)

    assert sent == []


def test_exports_carry_the_requirements(otp_request, court_focal_point):
    import docx

    from coopreview.assistance import exports

    req = requirements_for(
        user=court_focal_point, state=otp_request.requested_state, kind=otp_request.kind, language="en"
    )
    data = exports.render_docx(otp_request, req)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    cells = " ".join(
        c.text for t in docx.Document(io.BytesIO(data)).tables for row in t.rows for c in row.cells
    )

    assert "Procureur général walrusauth" in text and "Procureur général walrusauth" in cells
    assert "Loi 2024-01 on cooperation" in cells
    pdf = exports.render_pdf(otp_request, req)
    assert pdf.startswith(b"%PDF")


def test_language_of_the_request_not_of_the_page(orgs, court_focal_point, sen_arrest_profile):
    request = services.request_draft(
        by=court_focal_point,
        requesting_organ=orgs["OTP"],
        requested_state=orgs["SEN"],
        kind=Kind.ARREST_SURRENDER,
        language=Language.FR,
        title="Demande",
    )

    assert request.body == ""  # no template: the organ writes the text
    assert any(entry["item"].startswith("Base juridique citée") for entry in request.checklist)


def test_reminders_through_the_job_queue(state_focal_point, court_focal_point, otp_request):
    from coopreview.jobs.enums import JobState
    from coopreview.jobs.services import reminders_enqueue

    otp_request.deadline = timezone.localdate() - timedelta(days=1)  # overdue
    otp_request.save()

    job = reminders_enqueue()

    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert "2 request reminder(s) sent." in job.result["output"]
    assert RequestReminderSent.objects.filter(request=otp_request).count() == 2


def test_dates_written_out_in_the_request_language(orgs, court_focal_point, sen_arrest_profile):
    """The deadline in a letter and the profile's verification date in a sentence read as dates in
    words, in the request's language (an ISO date in a French letter looks like a typing error)."""
    french = RequestTemplate.objects.create(
        kind=Kind.ARREST_SURRENDER,
        language=Language.FR,
        title="Arrestation (FR)",
        body="D'ici le {{ deadline }}.",
    )
    request = services.request_draft(
        by=court_focal_point,
        requesting_organ=orgs["OTP"],
        requested_state=orgs["SEN"],
        kind=Kind.ARREST_SURRENDER,
        language=Language.FR,
        title="Demande",
        template=french,
        deadline=date(2026, 12, 13),
    )
    assert request.body == "D'ici le 13 décembre 2026."

    sen_arrest_profile.last_verified_on = date(2020, 7, 21)
    sen_arrest_profile.save()
    with translation.override("fr"):
        req = requirements_for(
            user=court_focal_point, state=orgs["SEN"], kind=Kind.ARREST_SURRENDER, language="en"
        )
    assert "le 21 juillet 2020" in req.outdated
