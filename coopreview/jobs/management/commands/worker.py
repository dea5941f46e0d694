"""`coopreview worker`: run background jobs (a django-q2 cluster) until stopped."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

logger = logging.getLogger(__name__)


def ensure_schedules() -> None:
    """The cluster-wide schedules: the daily reminders (django-q2 runs a schedule in one cluster only:
    the scheduler locks the row), webhook retries, the recovery of jobs whose worker died, and the
    deletion of expired result files (reports built in the background)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="coopreview-daily-reminders",
        defaults={
            "func": "coopreview.jobs.services.reminders_enqueue",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },  # fmt: skip
    )
    Schedule.objects.update_or_create(
        name="coopreview-webhook-retries",  # failed webhook deliveries whose backoff has elapsed
        defaults={
            "func": "coopreview.webhooks.services.deliveries_retry_due",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },  # fmt: skip
    )
    Schedule.objects.update_or_create(
        name="coopreview-recover-stale-jobs",
        defaults={
            "func": "coopreview.jobs.services.jobs_recover_stale",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },  # fmt: skip
    )
    Schedule.objects.update_or_create(
        name="coopreview-expire-job-files",
        defaults={
            "func": "coopreview.jobs.services.jobs_expire_files",
            "schedule_type": Schedule.HOURLY,
            "repeats": -1,
        },  # fmt: skip
    )


def _recover_loop(stop: threading.Event, every: float) -> None:
    from django.db import connections

    from coopreview.jobs.services import jobs_recover_stale

    while not stop.wait(every):
        try:
            jobs_recover_stale()
        except Exception:  # the database went away for a moment: try again at the next turn
            logger.exception("recovering stale jobs failed")
        finally:
            connections.close_all()


class Command(BaseCommand):
    help = "Run background jobs (imports, large reports, index updates, reminders) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=0, help="Worker processes (default JOBS_WORKERS).")

    def handle(self, *args, workers: int, **options) -> None:
        from django_q.cluster import Cluster
        from django_q.conf import Conf

        from coopreview.core.db_router import pin_process_to_primary
        from coopreview.jobs.services import jobs_recover_stale

        # With read replicas: a job reads the primary, where the request that queued it just wrote.
        pin_process_to_primary()
        if workers:
            Conf.WORKERS = workers
        # An import's file is parsed in a forked child with memory and time limits
        # (importers/parsers/limits.py); a daemonic process may not have children.
        Conf.DAEMONIZE_WORKERS = False
        ensure_schedules()
        jobs_recover_stale()
        # Besides the minute schedule: a dead worker's job is picked up within JOBS_STALE_SECONDS.
        stop = threading.Event()
        every = max(1.0, settings.JOBS_STALE_SECONDS / 3)
        threading.Thread(target=_recover_loop, args=(stop, every), daemon=True, name="recover").start()
        self.stdout.write(f"coopreview worker: {Conf.WORKERS} process(es), broker {Conf.ORM or 'redis'}")
        try:
            Cluster().start()
        finally:
            stop.set()
