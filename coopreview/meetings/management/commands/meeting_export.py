"""Export a meeting's agenda or minutes (PDF, DOCX) or its calendar entry (ICS) as one user sees it."""

from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopreview.meetings import exports, ics, selectors
from coopreview.meetings.enums import MeetingStatus
from coopreview.meetings.models import Meeting


class Command(BaseCommand):
    help = "Write a meeting's agenda or minutes (pdf, docx) or calendar entry (ics), as USER may see it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("meeting", type=int, help="meeting id")
        parser.add_argument(
            "--as", dest="username", required=True, help="whose view: hidden items are left out"
        )
        parser.add_argument("--document", choices=["agenda", "minutes"], default="agenda")
        parser.add_argument("--format", dest="fmt", choices=["pdf", "docx", "ics"], default="pdf")
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(
        self, *args, meeting: int, username: str, document: str, fmt: str, output: Path, **options
    ) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--as: no active user named {username!r}.")
        try:
            found = selectors.meeting_get(user=user, pk=meeting)
        except Meeting.DoesNotExist:
            raise CommandError(f"meeting {meeting}: not found, or {username} may not see it.") from None
        if document == "minutes" and found.status != MeetingStatus.HELD:
            raise CommandError(f"meeting {meeting}: minutes exist once the meeting is held.")
        if not output.parent.is_dir():
            raise CommandError(f"--output: folder {output.parent} does not exist.")
        items = selectors.agenda_for(user=user, meeting=found)
        tz = selectors.user_time_zone(user) or found.time_zone
        with timezone.override(tz):
            if fmt == "ics":
                payload = ics.calendar_bytes([(found, items)], method="PUBLISH")
            else:
                payload, _ = exports.export(meeting=found, items=items, document=document, fmt=fmt)
        output.write_bytes(payload)
        self.stdout.write(f"{output}: {len(items)} agenda item(s), {len(payload)} bytes.")
