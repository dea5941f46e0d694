from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopreview.assistance.services import reminders_send as assistance_reminders_send
from coopreview.followup.services import FollowupError, reminders_send
from coopreview.knowledge.services import profile_reminders_send


class Command(BaseCommand):
    help = (
        "Email each lead's members about follow-up actions due within N days or overdue "
        "(run daily by cron; never twice for the same item and day), and each State's focal points about "
        "sections of their State's cooperation profile that need verifying, and the parties to requests for "
        "assistance whose deadline is near or past."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=14, help="Look ahead this many days (default 14).")
        parser.add_argument("--dry-run", action="store_true", help="Show who would be emailed; send nothing.")
        parser.add_argument("--today", type=str, default="", help="Pretend today is YYYY-MM-DD (for tests).")

    def handle(self, *args, days: int, dry_run: bool, today: str, **options) -> None:
        try:
            when = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"--today: {today!r} is not a date in the form YYYY-MM-DD.") from exc
        try:
            sent = reminders_send(days=days, today=when, dry_run=dry_run)
        except FollowupError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would email" if dry_run else "emailed"
        for email, titles in sent:
            self.stdout.write(f"{verb} {email}: {'; '.join(titles)}")
        self.stdout.write(f"{len(sent)} reminder(s) {'to send' if dry_run else 'sent'}.")
        # One cron line for every reminder: State focal points about profile sections to verify too.
        now = timezone.now() if when is None else timezone.make_aware(datetime.combine(when, time(12)))
        profiles = profile_reminders_send(now=now, dry_run=dry_run)
        self.stdout.write(f"{profiles} profile reminder(s) {'to send' if dry_run else 'sent'}.")
        # Requests for assistance whose deadline is within the same window or past: once per request,
        # person and day, like the follow-up actions (a rerun the same day sends nothing).
        requests = assistance_reminders_send(today=when, days=days, dry_run=dry_run)
        for email, references in requests:
            self.stdout.write(f"{verb} {email}: {', '.join(references)}")
        self.stdout.write(f"{len(requests)} request reminder(s) {'to send' if dry_run else 'sent'}.")
