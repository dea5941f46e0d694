import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopreview.config.production import secret_key_problem


class Command(BaseCommand):
    help = "Run the platform with a production WSGI server (gunicorn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))

    def handle(self, *args, port: int, host: str, workers: int, **options) -> None:
        if problem := secret_key_problem(settings):
            raise CommandError(problem)
        # In JSON mode the request log lines (core/logs.py) replace gunicorn's access log.
        access_log = [] if settings.LOG_FORMAT == "json" else ["--access-logfile", "-"]
        self.stdout.write(f"Serving coopreview on http://{host}:{port}/ (Ctrl+C to stop)")
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
