"""Structured JSON logs: the formatter, the request line, LOG_FORMAT=json from the environment."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from django.test import Client

from coopreview.core.logs import JsonFormatter, request_id_var


def _record(message: str = "hello", **extra) -> logging.LogRecord:
    record = logging.LogRecord("coopreview.test", logging.WARNING, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    return record


def test_json_formatter_writes_one_object_with_the_request_context():
    token = request_id_var.set("req-0123456789")
    try:
        line = JsonFormatter().format(_record("saved ü"))
    finally:
        request_id_var.reset(token)

    entry = json.loads(line)
    assert "\n" not in line
    assert (
        entry["message"] == "saved ü" and entry["level"] == "WARNING" and entry["logger"] == "coopreview.test"
    )
    assert entry["request_id"] == "req-0123456789"
    assert entry["time"].endswith("+00:00")


def test_json_formatter_keeps_the_exception():
    try:
        raise ValueError("bad row")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())

    entry = json.loads(JsonFormatter().format(record))

    assert "ValueError: bad row" in entry["exception"]


def test_each_request_logs_id_user_path_status_and_duration(editor, caplog):
    client = Client()
    client.force_login(editor)

    with caplog.at_level(logging.INFO, logger="coopreview.request"):
        response = client.get("/health", HTTP_HOST="localhost", HTTP_X_REQUEST_ID="proxy-id-12345678")
        anonymous = Client().get("/nowhere/", HTTP_HOST="localhost", HTTP_X_REQUEST_ID="bad id; drop")

    lines = [(r.name, json.loads(JsonFormatter().format(r))) for r in caplog.records]
    first, second = (entry for name, entry in lines if name == "coopreview.request")
    (not_found,) = (entry for name, entry in lines if name == "django.request")
    assert response["X-Request-ID"] == "proxy-id-12345678"
    assert first["request_id"] == "proxy-id-12345678" and first["user_id"] == editor.pk
    assert first["path"] == "/health" and first["status"] == 200 and first["method"] == "GET"
    assert isinstance(first["duration_ms"], float)
    assert second["status"] == 404 and "user_id" not in second
    assert second["request_id"] == anonymous["X-Request-ID"] != "bad id; drop"
    assert len(second["request_id"]) == 32
    assert not_found["request_id"] == second["request_id"]  # Django's own line carries the request's id


def test_log_format_json_from_the_environment(tmp_path):
    env = {**os.environ, "LOG_FORMAT": "json", "COOPREVIEW_DATA_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "coopreview.config.settings"
    code = "import django, logging; django.setup(); logging.getLogger('coopreview.x').warning('disk low')"

    result = subprocess.run(  # noqa: S603 — fixed argv
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert json.loads(result.stderr.strip())["message"] == "disk low", result.stderr


def test_https_redirects_are_logged_too(db, settings, caplog):
    settings.SECURE_SSL_REDIRECT = True

    with caplog.at_level(logging.INFO, logger="coopreview.request"):
        response = Client().get("/recommendations/", HTTP_HOST="localhost")

    (record,) = [r for r in caplog.records if r.name == "coopreview.request"]
    assert response.status_code == 301
    assert record.status == 301 and record.path == "/recommendations/"
