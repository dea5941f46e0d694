from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from coopreview.accounts.enums import Role
from coopreview.accounts.services import membership_grant
from coopreview.followup import services
from coopreview.followup.models import ReminderSent

TODAY = "2026-03-10"


@pytest.fixture
def plan(recs, court_focal_point, observer, orgs, registry_focal_point):
    membership_grant(
        user=observer, organisation=orgs["OTP"], role=Role.OBSERVER
    )  # observers get no reminders

    def act(title, due, rec="otp", progress=0):
        return services.action_create(
            by=court_focal_point,
            title=title,
            lead=orgs["OTP"],
            recommendations=[recs[rec]],
            start=date(2026, 1, 1),
            due=due,
            progress=progress,
        )

    return {
        "soon": act("Due soon", date(2026, 3, 15)),
        "late": act("Overdue one", date(2026, 3, 1)),
        "far": act("Far away", date(2026, 12, 1)),
        "done": act("Finished", date(2026, 3, 1), progress=100),
        "secret": act("Secret wombat", date(2026, 3, 12), rec="hidden"),
    }


def run(*args):
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_remind_emails_lead_members_once_a_day(plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    first = run("--days", "7", "--today", TODAY)
    second = run("--days", "7", "--today", TODAY)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["court@example.org"]
    assert "Due soon" in message.body and "Overdue one" in message.body and "(overdue)" in message.body
    assert "Far away" not in message.body and "Finished" not in message.body
    assert "Secret wombat" in message.body  # the OTP focal point may see the restricted recommendation
    assert "1 reminder(s) sent" in first and "0 reminder(s) sent" in second
    assert ReminderSent.objects.count() == 3


def test_remind_next_day_sends_again(plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run("--today", TODAY)

    run("--today", "2026-03-11")

    assert len(mail.outbox) == 2


def test_remind_never_mentions_what_the_recipient_cannot_see(plan, settings, orgs, recs):
    from django.contrib.auth.models import User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    recs["hidden"].restricted_to.set([orgs["REGISTRY"]])  # no longer visible to OTP members
    member = User.objects.create_user("statefp", email="s@example.org")
    membership_grant(user=member, organisation=orgs["OTP"], role=Role.STATE_FOCAL_POINT)

    run("--days", "7", "--today", TODAY)

    body = next(m.body for m in mail.outbox if m.to == ["s@example.org"])
    assert "Due soon" in body and "wombat" not in body


def test_remind_dry_run_sends_nothing(plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    out = run("--dry-run", "--days", "7", "--today", TODAY)

    assert "would email court@example.org" in out
    assert mail.outbox == [] and not ReminderSent.objects.exists()


@pytest.mark.parametrize("args,message", [(["--days", "-1"], "--days"), (["--today", "soon"], "--today")])
def test_remind_bad_input_is_command_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
