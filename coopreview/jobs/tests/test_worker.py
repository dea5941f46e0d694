"""Real workers in their own processes on a real database file (or a PostgreSQL database of its own):
a worker killed with SIGKILL in the middle of an import, then another one finishing it exactly once;
editors saving while a 20,000-row import applies."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ROWS = 20_000

SEED = """
import csv, io, json
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from coopreview.accounts.enums import OrganisationKind, Role
from coopreview.accounts.models import Organisation
from coopreview.accounts.services import membership_grant
from django.contrib.auth.models import User
from coopreview.importers import jobs
from coopreview.recommendations.models import Recommendation, Source

rm, _ = Organisation.objects.get_or_create(code="RM", defaults={"kind": OrganisationKind.ASSEMBLY_BODY,
                                                                  "name": "Review Mechanism"})
editor = User.objects.create_user("importer")
membership_grant(user=editor, organisation=rm, role=Role.EDITOR)
other = Source.objects.create(symbol="OTHER/1", title="Edited meanwhile")
for i in range(8):
    Recommendation.objects.create(source=other, reference=f"E{i}", text="Edit me.")
out = io.StringIO()
writer = csv.writer(out)
writer.writerow(["Reference", "Text", "Section"])
for i in range(%(rows)d):
    writer.writerow([f"{i // 200 + 1}.{i %% 200 + 1}", f"Recommendation number {i} on cooperation.",
                     f"Cluster {i // 5000 + 1}"])
settings.JOBS_EAGER = True  # read now, in this process
imported = jobs.import_job_create(by=editor, upload=SimpleUploadedFile("big.csv", out.getvalue().encode()),
                                  source="BIG/1", format="auto", mark_flag="")
assert imported.status == "ready", imported.error
settings.JOBS_EAGER = False  # the apply goes to the queue
job = jobs.import_job_apply(job=imported, by=editor)
print(json.dumps({"job": job.pk, "import": imported.pk}))
"""

EDITORS = """
import json, threading, time
from coopreview.jobs.models import Job
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.services import recommendation_update
from django.db import connections

def state():
    return Job.objects.filter(pk=%(job)d).values_list("state", flat=True).get()

# Started before the worker: wait for the apply to run, so that the saves overlap it.
deadline = time.monotonic() + 300
while state() != "running":
    assert time.monotonic() < deadline, "the apply never started"
    time.sleep(0.05)
errors, saves, started, during = [], [], [], []
def edit(i):
    try:
        for n in range(%(saves)d):
            rec = Recommendation.objects.get(reference=f"E{i}")
            running_before = state() == "running"
            try:
                recommendation_update(recommendation=rec, by=None, reason="edit", text=f"Edit {n} by {i}.",
                                      expected_updated_at=rec.updated_at)
                saves.append(1)
                if running_before:
                    started.append(1)  # begun while the apply ran (on SQLite it waits for its commit)
                if running_before and state() == "running":
                    during.append(1)  # the apply ran before and after this save
            except Exception as exc:
                errors.append(f"{exc.__class__.__name__}: {exc}")
            time.sleep(0.3)
    finally:
        connections.close_all()
threads = [threading.Thread(target=edit, args=(i,)) for i in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"saves": len(saves), "started": len(started), "during": len(during), "errors": errors}))
"""


@pytest.fixture
def live(tmp_path):
    """Environment of a migrated database of its own, and a helper to query it."""
    env = {**os.environ, "COOPREVIEW_DATA_DIR": str(tmp_path), "JOBS_STALE_SECONDS": "4",
           "JOBS_HEARTBEAT_SECONDS": "1", "JOBS_WORKERS": "1", "PYTHONPATH": str(ROOT)}  # fmt: skip
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        live_name = f"{name}_live_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{live_name}"')
            conn.execute(f'CREATE DATABASE "{live_name}"')
        env["DATABASE_URL"] = f"{base}/{live_name}"

        def query(sql: str):
            with psycopg.connect(env["DATABASE_URL"]) as conn:
                return conn.execute(sql).fetchall()
    else:

        def query(sql: str):
            conn = sqlite3.connect(tmp_path / "coopreview.sqlite3", timeout=30)
            try:
                return conn.execute(sql).fetchall()
            finally:
                conn.close()

    subprocess.run([sys.executable, "-m", "coopreview", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    yield env, query
    if url.startswith("postgres"):
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{live_name}" WITH (FORCE)')


def _manage(env, code: str) -> dict:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "coopreview", "shell", "-c", code], env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _start(env, code: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "coopreview", "shell", "-c", code], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


# A worker whose job pauses at each progress report (each batch of the apply, inside its transaction)
# after writing `marker`: for `seconds` = an hour it stops there for good and the test kills it; for a
# fraction of a second the apply lasts long enough, on any machine, for other saves to overlap it.
# Waiting for progress to show instead raced the apply on fast machines (it finished first).
PAUSING_WORKER = """
import os, time
from pathlib import Path
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
django.setup()
from coopreview.__main__ import main
from coopreview.jobs.services import JobContext

reported = JobContext.progress

def pause(self, done, total, message=""):
    reported(self, done, total, message)
    if done:
        Path(%(marker)r).write_text(str(done))
        time.sleep(%(seconds)s)

JobContext.progress = pause  # the worker's processes are forked: they share it
main(["worker"])
"""


def _worker(env, *, marker: Path | None = None, pause: float = 3600) -> subprocess.Popen:
    if marker:
        command = ["-c", PAUSING_WORKER % {"marker": str(marker), "seconds": pause}]
    else:
        command = ["-m", "coopreview", "worker"]
    return subprocess.Popen(  # noqa: S603
        [sys.executable, *command], env=env, cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _state(query, job: int) -> str:
    return query(f"SELECT state FROM jobs_job WHERE id = {int(job)}")[0][0]  # noqa: S608


def _wait(predicate, *, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def test_a_worker_killed_mid_job_is_replaced_and_the_import_applies_exactly_once(live, tmp_path):
    env, query = live
    rows = 5_000  # several batches; the kill point does not depend on the size
    ids = _manage(env, SEED % {"rows": rows})
    job = ids["job"]
    stalled = tmp_path / "stalled"
    first = _worker(env, marker=stalled)
    try:
        _wait(stalled.exists, timeout=300, what="the apply to report its first batch")
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its children, no goodbye
        first.wait()
    state = query(f"SELECT state, attempts FROM jobs_job WHERE id = {job}")[0]  # noqa: S608
    assert state == ("running", 1)  # as the dead worker left it
    # Killed inside the apply's transaction: nothing of it was kept.
    assert query("SELECT COUNT(*) FROM recommendations_recommendation")[0][0] == 8
    status = query(f"SELECT status FROM importers_importjob WHERE id = {ids['import']}")[0][0]  # noqa: S608
    assert status == "applying"

    second = _worker(env)
    try:
        _wait(lambda: _state(query, job) in ("done", "failed"), timeout=600, what="the second worker")
    finally:
        _stop(second)

    state, attempts, error = query(f"SELECT state, attempts, error FROM jobs_job WHERE id = {job}")[0]  # noqa: S608
    assert (state, error) == ("done", "")
    assert attempts == 2
    assert query("SELECT COUNT(*) FROM recommendations_recommendation")[0][0] == 8 + rows
    reasons = query(
        "SELECT history_change_reason, COUNT(*) FROM recommendations_historicalrecommendation "
        "WHERE history_change_reason LIKE 'Imported from%' GROUP BY history_change_reason"
    )
    assert reasons == [("Imported from big.csv", rows)]  # one history row per record: applied once
    status = query(f"SELECT status FROM importers_importjob WHERE id = {ids['import']}")[0][0]  # noqa: S608
    assert status == "applied"


def test_editors_save_while_a_20000_row_import_applies(live, tmp_path):
    env, query = live
    ids = _manage(env, SEED % {"rows": ROWS})
    editors = _start(env, EDITORS % {"saves": 10, "job": ids["job"]})  # they wait for the apply to run
    # Half a second at each of the apply's 10 batches: it runs for seconds on any machine.
    worker = _worker(env, marker=tmp_path / "batch", pause=0.5)
    try:
        out, err = editors.communicate(timeout=600)
        assert editors.returncode == 0, err[-3000:]
        edits = json.loads(out.strip().splitlines()[-1])
        _wait(lambda: _state(query, ids["job"]) == "done", timeout=600, what="the apply to finish")
    finally:
        editors.kill()
        _stop(worker)

    assert edits["errors"] == []
    assert edits["saves"] == 80
    # Overlap, not just success: every editor's first save began while the apply was running (on
    # PostgreSQL most also end before it does; on SQLite a save waits for the apply's commit).
    assert edits["started"] >= 8, edits
    assert query("SELECT COUNT(*) FROM recommendations_recommendation")[0][0] == 8 + ROWS
