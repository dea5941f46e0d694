"""Production settings from the environment: `check --deploy`, the shared secret key, file modes."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from coopreview.config.production import private_dir, private_file_create, private_file_write

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "HTTPS": "true",
    "TRUST_X_FORWARDED_PROTO": "true",
    "ALLOWED_HOSTS": "coopreview.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://coopreview.example.org",
}


def _run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests' fixture in this process, never in production
    unset = {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(COOPREVIEW_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="coopreview.config.settings")
    clean.update(env)
    return subprocess.run(  # noqa: S603 — fixed argv
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    # DATABASE_URL is inherited: on CI's PostgreSQL run this checks the PostgreSQL configuration too.
    result = _run(
        ["-m", "coopreview", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path / "data",
        SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_https_settings_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, s.SECURE_REDIRECT_EXEMPT)"
    )

    on = _run(["-c", code], tmp_path / "a", **PRODUCTION_ENV)
    off = _run(["-c", code], tmp_path / "b", SECURE_HSTS_SECONDS="60")

    assert on.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "['^health$']",
    ], on.stderr
    assert off.stdout.split()[:5] == ["False", "60", "False", "False", "None"], off.stderr


def test_servers_refuse_a_generated_key_with_a_shared_database(tmp_path):
    shared = {"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", **PRODUCTION_ENV}

    serve = _run(["-m", "coopreview", "serve", "--port", "9"], tmp_path / "a", **shared)
    check = _run(["-m", "coopreview", "check", "--deploy"], tmp_path / "a", **shared)
    wsgi = _run(["-c", "import coopreview.config.wsgi"], tmp_path / "a", **shared)

    assert serve.returncode != 0
    assert "SECRET_KEY is not set" in serve.stderr and "Traceback" not in serve.stderr
    assert check.returncode != 0 and "coopreview.E001" in check.stderr
    assert wsgi.returncode != 0 and "SECRET_KEY is not set" in wsgi.stderr


def test_the_embedded_database_keeps_its_generated_key(tmp_path):
    # The quick start (`scripts/run` → `coopreview demo` on SQLite) sets no SECRET_KEY.
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    check = _run(["-m", "coopreview", "check", "--deploy"], tmp_path / "data", **env)
    wsgi = _run(["-c", "import coopreview.config.wsgi"], tmp_path / "data", **env)

    assert "coopreview.E001" not in check.stderr
    assert wsgi.returncode == 0, wsgi.stderr


def test_data_directory_key_and_database_are_private(tmp_path):
    data = tmp_path / "fresh" / "data"
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('CREATE TABLE t (x)'); c.execute('INSERT INTO t VALUES (1)');"
        "import os; print(oct(os.stat(connection.settings_dict['NAME'] + '-wal').st_mode & 0o777))"
    )

    result = _run(["-c", code], data, DATABASE_URL=f"sqlite:///{data / 'coopreview.sqlite3'}")

    assert result.returncode == 0, result.stderr
    assert _mode(data) == 0o700
    assert _mode(data / "secret_key") == 0o600
    assert _mode(data / "coopreview.sqlite3") == 0o600
    assert result.stdout.strip() == "0o600"  # the WAL file, while the connection is open


def test_uploads_are_private(tmp_path, settings):
    storage = FileSystemStorage(location=tmp_path / "media")

    name = storage.save("knowledge/2026/report.pdf", ContentFile(b"%PDF-1.4"))

    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert _mode(Path(storage.path(name))) == 0o600
    assert _mode(tmp_path / "media" / "knowledge") == 0o700
    assert _mode(tmp_path / "media" / "knowledge" / "2026") == 0o700


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_private_helpers_ignore_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        private_dir(tmp_path / "d")
        private_file_create(tmp_path / "d" / "db")
        private_file_write(tmp_path / "d" / "key", b"k")
    finally:
        os.umask(old)

    assert _mode(tmp_path / "d") == 0o700
    assert _mode(tmp_path / "d" / "db") == 0o600
    assert _mode(tmp_path / "d" / "key") == 0o600
