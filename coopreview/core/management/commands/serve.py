import os
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopreview.config.production import secret_key_problem
from coopreview.core.site import site_url_for_port


class Command(BaseCommand):
    help = "Run the platform with a production WSGI server (gunicorn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start a background-job worker beside the server."
        )

    def handle(self, *args, port: int, host: str, workers: int, no_worker: bool = False, **options) -> None:
        if problem := secret_key_problem(settings):
            raise CommandError(problem)
        # In JSON mode the request log lines (core/logs.py) replace gunicorn's access log.
        access_log = [] if settings.LOG_FORMAT == "json" else ["--access-logfile", "-"]
        site_url_for_port(port)  # links in e-mails point at this server unless SITE_URL says otherwise
        if not no_worker:
            # One job worker beside the server (imports, index updates, reminders): `coopreview worker`
            # in its own process, in this process group so that Ctrl+C stops it too.
            subprocess.Popen([sys.executable, "-m", "coopreview", "worker", "--workers", "1"])  # noqa: S603
        self.stdout.write(f"Serving on http://{host}:{port}/ … (Ctrl+C to stop)")
        self.stdout.flush()
        # Each worker runs a thread keeping this server's search index in step (search/follower.py).
        os.environ["COOPREVIEW_SEARCH_FOLLOWER"] = "1"
        # Replace this process by gunicorn so signals (Ctrl+C, SIGTERM) reach the server directly.
        os.execv(  # noqa: S606 — fixed argv, no shell
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "coopreview.config.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                *access_log,
            ],
        )
