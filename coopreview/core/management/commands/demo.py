from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from coopreview.core.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Prepare the database, load the demo data (idempotently) and serve unless --no-serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load the data and stop.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-worker", action="store_true", help="Serve without a background-job worker.")

    def handle(self, *args, no_serve: bool, port: int, no_worker: bool = False, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        counts = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({counts['recommendations']} new recommendations,"
                f" {counts['users']} new users)."
            )
        )
        self.stdout.write(
            f"\nSign in at http://127.0.0.1:{port}/accounts/login/ with password '{DEMO_PASSWORD}' as:"
        )
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<12} {user.description}")
        self.stdout.write("")
        if not no_serve:
            call_command("serve", port=port, no_worker=no_worker)
