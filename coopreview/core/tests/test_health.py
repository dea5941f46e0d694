"""/health: database, search index, job queue, disk — 200 when all are healthy, 503 otherwise."""

import json

from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

from coopreview.core import health
from coopreview.search.follower import search_follow_once


def _get(client: Client | None = None, **extra) -> tuple[int, dict]:
    response = (client or Client()).get("/health", HTTP_HOST="localhost", **extra)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


def test_health_is_ok_without_login_and_names_every_check(leak_data):
    search_follow_once()  # this server's follower applies the logged index changes

    status, body = _get()

    assert status == 200
    assert body["status"] == "ok"
    assert set(body) == {"status", "database", "search_index", "job_queue", "disk"}
    assert body["database"]["status"] == "ok"
    assert body["search_index"] == {"status": "ok", "detail": "3 documents"}
    assert body["job_queue"]["status"] == "not configured"
    assert body["disk"]["status"] == "ok" and body["disk"]["detail"].endswith("MB free")


def test_health_fails_when_the_index_is_missing_after_a_restore(leak_data, settings, tmp_path):
    # A database copied in without its index: the entries are there, the engine has none.
    settings.SEARCH_INDEX_DIR = tmp_path / "restored-index"

    status, body = _get()
    call_command("search_index", "--rebuild", verbosity=0)
    status_after, body_after = _get()

    assert status == 503 and body["status"] == "fail"
    assert body["search_index"] == {
        "status": "fail",
        "detail": "index missing: run `coopreview search_index --rebuild`",
    }
    assert status_after == 200 and body_after["search_index"]["detail"] == "3 documents"


def test_health_reports_a_failing_check_without_its_message(db, monkeypatch):
    def broken() -> health.Check:
        raise OperationalError('connection to "db.internal" failed: password=s3cret')

    monkeypatch.setitem(health.CHECKS, "database", broken)

    response = Client().get("/health", HTTP_HOST="localhost")

    assert response.status_code == 503
    assert json.loads(response.content)["database"] == {"status": "fail", "detail": "OperationalError"}
    assert b"s3cret" not in response.content and b"db.internal" not in response.content


def test_health_fails_on_low_disk(db, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12

    status, body = _get()

    assert status == 503
    assert body["disk"]["status"] == "fail" and "below" in body["disk"]["detail"]


def test_job_queue_check_is_pluggable(db, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "job_queue", lambda: health.Check("fail", "2 jobs failed"))

    status, body = _get()

    assert status == 503 and body["job_queue"] == {"status": "fail", "detail": "2 jobs failed"}


def test_health_is_exempt_from_the_https_redirect(db, settings):
    settings.SECURE_SSL_REDIRECT = True

    home = Client().get("/", HTTP_HOST="localhost")
    status, _ = _get()

    assert home.status_code == 301 and home["Location"].startswith("https://")
    assert status == 200


def test_health_answers_head_and_refuses_post(db):
    head = Client().head("/health", HTTP_HOST="localhost")
    post = Client().post("/health", HTTP_HOST="localhost")

    assert head.status_code == 200
    assert post.status_code == 405
