"""Landing by role, "My work", the editors' queue and notifications (only the recipient sees them)."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_valid_html, client_for
from coopreview.followup import services
from coopreview.followup.bulk import recommendations_bulk_change
from coopreview.followup.enums import Category
from coopreview.inbox.enums import Verb
from coopreview.inbox.models import Notification
from coopreview.inbox.services import notify


@pytest.fixture
def update(recs, editor, court_focal_point, orgs):
    cat = services.categorisation_propose(recommendation=recs["otp"], category=Category.COURT, by=editor)
    services.categorisation_approve(
        categorisation=cat, by=editor, approved_by="Bureau", approved_on=date(2021, 6, 28)
    )
    action = services.action_create(
        by=court_focal_point, title="Template for requests", lead=orgs["OTP"], recommendations=[recs["otp"]]
    )
    return services.progress_update_create(action=action, by=court_focal_point, text="Drafted", progress=30)


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("editor", "/me/queue/"),
        ("court_focal_point", "/me/"),
        ("state_focal_point", "/me/"),
        ("facilitator", "/me/"),
        ("observer", "/recommendations/"),
        ("outsider", "/recommendations/"),
    ],
)
def test_sign_in_lands_each_role_on_its_page(request, client, persona, landing):
    user = request.getfixturevalue(persona)

    response = client.post(
        "/accounts/login/?next=/", {"username": user.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == landing
    assert response.status_code == 200


def test_sign_in_keeps_a_safe_next_and_drops_an_unsafe_one(client, editor):
    kept = client.post(
        "/accounts/login/?next=/followup/schedule/", {"username": "editor", "password": PASSWORD}
    )
    client.logout()
    dropped = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "editor", "password": PASSWORD}
    )

    assert kept["Location"] == "/followup/schedule/"
    assert dropped["Location"] == "/me/start/"


def test_progress_update_notifies_editors_and_validation_notifies_author(update, editor, court_focal_point):
    to_editor = Notification.objects.get(recipient=editor)
    assert to_editor.verb == Verb.UPDATE_SUBMITTED and "Template for requests" in to_editor.message
    assert not Notification.objects.filter(recipient=court_focal_point).exists()  # never the actor

    services.progress_update_validate(update=update, by=editor)

    to_author = Notification.objects.get(recipient=court_focal_point)
    assert to_author.message == "Your progress update on “Template for requests” was published"


def test_queue_lists_pending_updates_for_editors_only(update, editor, facilitator, outsider):
    body = client_for(editor).get("/me/queue/").content.decode()

    assert_valid_html(body)
    assert "1 progress update awaiting validation" in body and "Template for requests" in body
    assert client_for(facilitator).get("/me/queue/").status_code == 403
    assert client_for(outsider).get("/me/queue/").status_code == 403
    assert client_for(None).get("/me/queue/").status_code == 302


def test_my_work_shows_items_and_unread_notifications(update, court_focal_point, editor):
    services.progress_update_validate(update=update, by=editor)

    body = client_for(court_focal_point).get("/me/").content.decode()

    assert_valid_html(body)
    assert "What awaits me" in body and "My items" in body
    assert "Template for requests" in body and "was published" in body


def test_notifications_are_seen_and_marked_read_only_by_their_recipient(update, editor, outsider):
    mine = Notification.objects.get(recipient=editor)

    outsider_page = client_for(outsider).get("/me/notifications/").content.decode()
    client_for(outsider).post("/me/notifications/", {"ids": [mine.pk]})
    client_for(outsider).post("/me/notifications/", {"all": "1"})

    assert "Template for requests" not in outsider_page and "No notifications." in outsider_page
    mine.refresh_from_db()
    assert mine.read_at is None
    editor_client = client_for(editor)
    page = editor_client.get("/me/notifications/").content.decode()
    assert_valid_html(page)
    assert "Template for requests" in page and 'class="count"' in page
    editor_client.post("/me/notifications/", {"ids": [mine.pk]})
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'class="count"' not in editor_client.get("/me/notifications/").content.decode()


def test_header_bell_costs_one_query_whatever_the_number(editor, orgs):
    client = client_for(editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get("/me/notifications/")
        return len(ctx.captured_queries)

    notify(recipients=[editor], verb=Verb.INVITATION, target="One")
    one = queries()
    for i in range(20):
        notify(recipients=[editor], verb=Verb.INVITATION, target=f"Meeting {i}")
    many = queries()

    assert one == many


def test_bulk_change_notifies_the_leads_members_not_the_actor(
    recs, editor, court_focal_point, observer, orgs, fac_flag
):
    from coopreview.accounts.enums import Role
    from coopreview.accounts.services import membership_grant

    membership_grant(user=observer, organisation=orgs["OTP"], role=Role.OBSERVER)
    services.categorisation_propose(recommendation=recs["otp"], category=Category.COURT, by=editor)

    recommendations_bulk_change(
        ids=[recs["otp"].pk], by=editor, action="add_flag", value=fac_flag, reason="Annex"
    )

    note = Notification.objects.get(verb=Verb.BULK_CHANGE)
    assert note.recipient == court_focal_point
    assert note.message == "1 recommendation(s) of yours changed: Add priority flag — Annex"
    assert not Notification.objects.filter(recipient__in=[editor, observer], verb=Verb.BULK_CHANGE).exists()


def test_reminder_email_also_notifies(recs, court_focal_point, orgs, settings):
    from coopreview.followup.services import reminders_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.action_create(
        by=court_focal_point,
        title="Due soon",
        lead=orgs["OTP"],
        recommendations=[recs["otp"]],
        due=date(2026, 3, 15),
    )

    reminders_send(days=7, today=date(2026, 3, 10))

    assert len(mail.outbox) == 1
    note = Notification.objects.get(recipient=court_focal_point)
    assert note.verb == Verb.REMINDER and "Due soon" in note.message
