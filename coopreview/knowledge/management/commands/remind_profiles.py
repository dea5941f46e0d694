from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.knowledge.services import profile_reminders_send


class Command(BaseCommand):
    help = "E-mail State focal points about profile sections older than KNOWLEDGE_FRESHNESS_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count the e-mails without sending them.")

    def handle(self, *args, dry_run: bool, **options) -> None:
        sent = profile_reminders_send(now=timezone.now(), dry_run=dry_run)
        message = (
            _("%(n)s profile reminder(s) would be sent.") if dry_run else _("%(n)s profile reminder(s) sent.")
        )
        self.stdout.write(message % {"n": sent})
