"""Health checks for /health and `coopreview health`: database, search index, job queue, disk.

A small registry: each check is a function returning a Check; an app can add or replace one with
`@health_check("name")` (the job queue app replaces "job_queue" when it is installed). Checks are cheap
(one or two indexed queries, a stat) and say nothing secret: no paths, host names or versions.
"""

import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections


@dataclass
class Check:
    status: str  # "ok", "fail" or "not configured" (counts as healthy)
    detail: str = ""

    @property
    def healthy(self) -> bool:
        return self.status != "fail"


CHECKS: dict[str, Callable[[], Check]] = {}


def health_check(name: str) -> Callable[[Callable[[], Check]], Callable[[], Check]]:
    def register(func: Callable[[], Check]) -> Callable[[], Check]:
        CHECKS[name] = func
        return func

    return register


@health_check("database")
def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    # Read replicas (DATABASE_REPLICA_URL): pages read them, so one that does not answer fails too.
    replicas = list(getattr(settings, "DATABASE_REPLICAS", ()))
    for alias in replicas:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return Check("ok", f"primary and {len(replicas)} replica(s)" if replicas else "")


@health_check("search_index")
def check_search_index() -> Check:
    """Fails when the database has entries but this server's engine index is missing or empty: the
    state after restoring a copy of the database without rebuilding the index. Reads only."""
    from coopreview.search.backends import get_backend, tantivy_engine
    from coopreview.search.models import SearchEntry

    if not isinstance(get_backend(), tantivy_engine.TantivyBackend):
        return Check("ok", "database full-text index")
    entries = SearchEntry.objects.exists()

    root = tantivy_engine.index_dir()
    opened = tantivy_engine._open(root)
    if opened is None:
        if entries:
            return Check("fail", "index missing: run `coopreview search_index --rebuild`")
        return Check("ok", "empty")
    documents = tantivy_engine._searcher(opened, root).num_docs
    if entries and documents == 0:
        return Check("fail", "index empty: run `coopreview search_index --rebuild`")
    return Check("ok", f"{documents} documents")


@health_check("job_queue")
def check_job_queue() -> Check:
    """The job queue app (coopreview.jobs) may provide `coopreview.jobs.health.job_queue_check`, or
    replace this check with @health_check("job_queue") in its AppConfig.ready()."""
    if not apps.is_installed("coopreview.jobs"):
        return Check("not configured")
    try:
        module = import_module("coopreview.jobs.health")
    except ImportError:
        return Check("not configured", "the job queue app has no health check")
    return module.job_queue_check()


@health_check("disk")
def check_disk() -> Check:
    # The data directory, and the uploads' folder when it is elsewhere (shared storage).
    folders = [Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)]
    free_mb = min(shutil.disk_usage(f).free for f in folders if f.exists()) // (1024 * 1024)
    if free_mb < settings.HEALTH_MIN_FREE_MB:
        return Check("fail", f"{free_mb} MB free, below {settings.HEALTH_MIN_FREE_MB} MB")
    return Check("ok", f"{free_mb} MB free")


def health_report() -> tuple[bool, dict]:
    """Run every check; a check that raises fails with its exception's class name only (no secrets)."""
    results: dict[str, dict] = {}
    healthy = True
    for name, func in CHECKS.items():
        try:
            result = func()
        except Exception as error:  # noqa: BLE001 — a broken dependency is what a health check reports
            result = Check("fail", type(error).__name__)
        healthy = healthy and result.healthy
        results[name] = asdict(result)
    return healthy, {"status": "ok" if healthy else "fail", **results}
