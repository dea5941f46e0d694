"""Benchmark of the job queue: `run(scale, workdir) -> dict` (called by `coopreview bench`).

It measures the queue itself, not a job's work: N jobs whose handler does nothing (a search reindex
of no record) are enqueued through `job_enqueue`, as the platform does, then one `coopreview worker`
process (JOBS_WORKERS processes) is started on the same database and broker and timed until every
job is done. Reported: jobs per second from the worker's start to the last job's end, the same once the
worker runs (first job's end to the last's), and each
job's latency (created → finished, which includes the wait in the queue). The database broker is
measured, and Redis too when it answers on JOBS_BENCH_REDIS (default redis://127.0.0.1:6379/15).

Run alone (`python -m coopreview.jobs.benchmarks [N]`), Django is set up on a throw-away SQLite
database in a temporary directory.
"""

from __future__ import annotations

import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from coopreview.core.benchmarks_setup import django_for_benchmark

SIZES = {"tiny": 50, "small": 100, "full": 2_000}
DEADLINE_SECONDS = 600


def _setup(workdir: pathlib.Path) -> None:
    django_for_benchmark(workdir, "jobs")


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except Exception:  # no server, or refused: the Redis figures are left out, and the report says so
        return False


def _measure(n: int, broker_url: str) -> dict:
    """Enqueue `n` no-op jobs on `broker_url` ("" = the database), run one worker, time it."""
    from django.conf import settings
    from django_q.conf import Conf

    from coopreview.jobs.enums import JobKind, JobState
    from coopreview.jobs.models import Job
    from coopreview.jobs.services import job_enqueue

    # This process enqueues on the broker being measured; the worker is told the same by its env.
    previous = (settings.JOBS_EAGER, Conf.ORM, Conf.REDIS)
    settings.JOBS_EAGER = False
    Conf.ORM, Conf.REDIS = (None, broker_url) if broker_url else ("default", None)
    if broker_url:
        import redis

        redis.Redis.from_url(broker_url).flushdb()
    try:
        started = time.perf_counter()
        ids = [job_enqueue(kind=JobKind.SEARCH_REINDEX, owner=None, params={"ids": []}).pk for _ in range(n)]
        enqueue_seconds = time.perf_counter() - started
        env = dict(os.environ, JOBS_BROKER_URL=broker_url)
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "coopreview", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started = time.perf_counter()
        try:
            while time.perf_counter() - started < DEADLINE_SECONDS:
                done = Job.objects.filter(pk__in=ids, state=JobState.DONE).count()
                if done == n:
                    break
                time.sleep(0.05)
            seconds = time.perf_counter() - started
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        rows = list(Job.objects.filter(pk__in=ids).values_list("state", "created_at", "finished_at"))
        latencies = sorted(
            (finished - created).total_seconds() for state, created, finished in rows if finished is not None
        )
        finished = sum(1 for state, *_ in rows if state == JobState.DONE)
        ends = sorted(end for _state, _created, end in rows if end is not None)
        # Steady state: from the first job's end to the last's, so the worker's start-up (Django set-up,
        # forking its processes) is not counted as queue time; it is reported apart.
        steady = (
            (len(ends) - 1) / (ends[-1] - ends[0]).total_seconds()
            if len(ends) > 1 and ends[-1] > ends[0]
            else None
        )
        return {
            "jobs": n,
            "done": finished,
            "enqueue_per_second": round(n / enqueue_seconds, 1),
            "seconds": round(seconds, 2),
            "jobs_per_second": round(finished / seconds, 1),
            "steady_jobs_per_second": round(steady, 1) if steady else None,
            "latency_median_s": round(statistics.median(latencies), 2) if latencies else None,
            "latency_max_s": round(latencies[-1], 2) if latencies else None,
            "complete": finished == n,
        }
    finally:
        settings.JOBS_EAGER, Conf.ORM, Conf.REDIS = previous
        Job.objects.filter(kind=JobKind.SEARCH_REINDEX, params={"ids": []}).delete()


def run(scale: str, workdir: pathlib.Path) -> dict:
    _setup(workdir)
    from django.conf import settings
    from django.db import connection

    n = SIZES.get(scale, SIZES["small"])
    result = {
        "database": connection.vendor,
        "workers": settings.Q_CLUSTER["workers"],
        "database_broker": _measure(n, ""),
    }
    redis_url = os.environ.get("JOBS_BENCH_REDIS", "redis://127.0.0.1:6379/15")
    result["redis_broker"] = (
        _measure(n, redis_url) if _redis_answers(redis_url) else "no Redis server answered"
    )
    return result


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else SIZES["small"]
    SIZES["cli"] = count
    with tempfile.TemporaryDirectory() as tmp:
        print(run("cli", pathlib.Path(tmp)))
