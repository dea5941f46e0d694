import io
import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from coopreview.core.demo import DEMO_PASSWORD, DEMO_USERS, demo_load
from coopreview.core.site import site_url_for_port


class Command(BaseCommand):
    help = "Prepare the database, load the demo data (idempotently) and serve unless --no-serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load the data and stop.")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--no-worker", action="store_true", help="Serve without a background-job worker.")

    def step(self, text: str) -> None:
        # One line per step, flushed at once, so a slow first run never looks hung.
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, no_serve: bool, port: int, no_worker: bool = False, **options) -> None:
        site_url = site_url_for_port(port)
        self.step("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.step("Loading the demo data…")
        counts = demo_load()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({counts['recommendations']} new recommendations,"
                f" {counts['users']} new users)."
            )
        )
        self.step("Indexing for search…")
        call_command("search_index", sync=True, stdout=io.StringIO())
        self.stdout.write(f"\nSign in at {site_url}/accounts/login/ with password '{DEMO_PASSWORD}' as:")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<12} {user.first_name} {user.last_name}, {user.description}")
        # The demo accounts have no authenticator app: two-factor is off for the demo server unless
        # MFA_REQUIRED is set. `coopreview serve` keeps the production default (on).
        mfa = os.environ.setdefault("MFA_REQUIRED", "false")
        if mfa.strip().lower() in {"1", "true", "yes", "on"}:
            self.stdout.write("Two-factor authentication is required for admin, editor and Court accounts.")
        else:
            self.stdout.write(
                "Two-factor authentication is OFF for this demo (MFA_REQUIRED=false). In production it is on:"
                " administrators, editors and Court focal points enrol an authenticator app at first sign-in."
            )
        self.stdout.write("")
        if not no_serve:
            call_command("serve", port=port, no_worker=no_worker)
