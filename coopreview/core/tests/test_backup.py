"""`coopreview backup` / `coopreview restore`: a round trip into a fresh data directory (SQLite, and
PostgreSQL when DATABASE_URL names one), a consistent copy while another connection writes, and
refusals that change nothing."""

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from coopreview.core.backup import FORMAT, FORMAT_VERSION, sqlite_snapshot
from coopreview.recommendations.models import Recommendation

ROOT = Path(__file__).resolve().parents[3]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ENGINES = ["sqlite"] + (["postgresql"] if DATABASE_URL.startswith("postgres") else [])


def _half(step: str, archive: Path, data_dir: Path, database_url: str) -> dict:
    env = {**os.environ, "COOPREVIEW_DATA_DIR": str(data_dir), "DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 — fixed argv
        [sys.executable, "-m", "coopreview.core.tests.backup_roundtrip", step, str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    *messages, report = result.stdout.strip().splitlines()
    return {"messages": messages, **json.loads(report)}


@pytest.fixture
def postgres_databases():
    """Two scratch databases beside the test database: the original and the restore target."""
    import psycopg

    base = DATABASE_URL.rsplit("/", 1)[0]
    names = [f"coopreview_backup_{uuid.uuid4().hex[:8]}_{side}" for side in ("a", "b")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    yield [f"{base}/{name}" for name in names]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("engine", ENGINES)
def test_restore_into_a_fresh_data_dir_gives_every_table_and_a_working_search(engine, tmp_path, request):
    if engine == "sqlite":
        urls = [f"sqlite:///{tmp_path / side / 'coopreview.sqlite3'}" for side in ("a", "b")]
    else:
        urls = request.getfixturevalue("postgres_databases")
    archive = tmp_path / "backup.tar.gz"

    original = _half("make", archive, tmp_path / "a", urls[0])
    restored = _half("restore", archive, tmp_path / "b", urls[1])

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["format"] == FORMAT and manifest["engine"] == engine and manifest["media_files"] == 1
    assert manifest["tables"]["recommendations_recommendation"] == 2
    # Every table, row by row (the search tables are derived: rebuilt, so compared through a search).
    assert restored["tables"] == original["tables"]
    assert len(original["tables"]) > 50
    assert original["tables"]["knowledge_document"][0] == 1
    assert restored["media"] == original["media"] and len(restored["media"]) == 1
    assert restored["hits"] == original["hits"] == ["document:1", "rec:1"]
    assert any("Rebuilding the search index" in line for line in restored["messages"])
    assert "search index rebuilt (4 entries)" in restored["messages"][-1]
    media = tmp_path / "b" / "media"
    assert all(stat.S_IMODE(p.stat().st_mode) in (0o600, 0o700) for p in [media, *media.rglob("*")])


def test_sqlite_copy_is_consistent_while_another_connection_writes(tmp_path):
    live = tmp_path / "live.sqlite3"
    db = sqlite3.connect(live)
    db.executescript(
        "PRAGMA journal_mode=WAL; CREATE TABLE a (x, pad); CREATE TABLE b (x, pad);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
        " INSERT INTO a SELECT i, randomblob(200) FROM n;"
        "INSERT INTO b SELECT * FROM a;"
    )
    db.close()
    stop = threading.Event()
    written = []

    def writer() -> None:
        # Each transaction adds one row to both tables: a consistent copy has as many rows in each.
        conn = sqlite3.connect(live, timeout=30, isolation_level=None)
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO a VALUES (-1, randomblob(200))")
            conn.execute("INSERT INTO b VALUES (-1, randomblob(200))")
            conn.execute("COMMIT")
            written.append(1)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        counts = [sqlite_snapshot(live, tmp_path / f"copy{i}.sqlite3") for i in range(3)]
        while len(written) < 60:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()

    for i, snapshot in enumerate(counts):
        copy = sqlite3.connect(tmp_path / f"copy{i}.sqlite3")
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert snapshot == {"a": snapshot["a"], "b": snapshot["a"]}
        assert copy.execute("SELECT count(*) FROM a").fetchone()[0] == snapshot["a"]
        copy.close()
    assert 20_020 <= counts[0]["a"] < 20_000 + len(written)  # taken while the writer was running


def _archive(path: Path, manifest: dict | None, files: dict[str, bytes] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        entries = dict(files or {})
        if manifest is not None:
            entries["manifest.json"] = json.dumps(manifest).encode()
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _manifest(**changes) -> dict:
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "engine": connection.vendor,
        "created_at": "2026-12-01T00:00:00+00:00",
        "database": {"file": "database.sqlite3", "sha256": "0" * 64},
        "tables": {},
        "media_files": 0,
    }
    return {**manifest, **changes}


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (lambda p: p.parent / "backup.txt", "is not a coopreview backup (not a tar archive)"),
        (
            lambda p: _archive(p, None, {"notes.txt": b"hello"}),
            "is not a coopreview backup: it has no manifest",
        ),
        (lambda p: _archive(p, _manifest(format="other")), "is not a coopreview backup."),
        (lambda p: _archive(p, _manifest(version=FORMAT_VERSION + 1)), "written by a newer coopreview"),
        (
            lambda p: _archive(p, _manifest(engine="oracle")),
            "holds a oracle database; this installation uses",
        ),
        (
            lambda p: _archive(p, _manifest(), {"database.sqlite3": b"SQLite format 3\0 tampered"}),
            "is damaged: the database does not match its checksum",
        ),
        (lambda p: _archive(p, _manifest(media_files=2)), "is damaged"),
        (lambda p: p.parent / "missing.tar.gz", "does not exist"),
    ],
    ids=[
        "not-tar",
        "no-manifest",
        "foreign",
        "newer",
        "other-engine",
        "checksum",
        "missing-uploads",
        "missing",
    ],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(leak_data, tmp_path, settings, archive, message):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "kept.pdf").write_bytes(b"%PDF")
    (tmp_path / "backup.txt").write_text("not an archive")
    path = archive(tmp_path / "backup.tar.gz")

    with pytest.raises(CommandError) as error:
        call_command("restore", str(path), verbosity=0)

    assert message in str(error.value)
    assert str(path.name) in str(error.value) or message == "does not exist"
    assert Recommendation.objects.count() == 3
    assert [p.name for p in (tmp_path / "media").iterdir()] == ["kept.pdf"]
    assert not list(tmp_path.glob(".coopreview-restore-*"))


def test_backup_refuses_a_missing_folder(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", output=str(tmp_path / "nowhere" / "b.tar.gz"))


def _copy_rows(dump: Path, table: str) -> int:
    """Rows of `table` in a pg_dump archive, read back with pg_restore (data only, to stdout)."""
    out = subprocess.run(  # noqa: S603
        ["pg_restore", "--data-only", "--table", table, "--file", "-", str(dump)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith(f"COPY public.{table} "))
    return out.index("\\.", start) - start - 1


@pytest.mark.skipif("postgresql" not in ENGINES, reason="DATABASE_URL is not PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_postgres_dump_is_consistent_while_another_connection_writes(tmp_path, settings):
    import psycopg

    from coopreview.core.backup import backup_create

    settings.MEDIA_ROOT = tmp_path / "media"
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE backup_test_a (x int); CREATE TABLE backup_test_b (x int)")
    stop = threading.Event()
    written = []

    def writer() -> None:
        with psycopg.connect(url) as conn:
            while not stop.is_set():
                with conn.transaction():  # one row in each table per transaction
                    conn.execute("INSERT INTO backup_test_a VALUES (1)")
                    conn.execute("INSERT INTO backup_test_b VALUES (1)")
                written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        manifest = backup_create(output=tmp_path / "backup.tar.gz")
        after = len(written) + 5
        while len(written) < after:  # the writer goes on after the dump: it was never blocked
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE backup_test_a; DROP TABLE backup_test_b")

    with tarfile.open(tmp_path / "backup.tar.gz") as tar:
        tar.extract("database.pgdump", tmp_path, filter="data")
    rows = {t: _copy_rows(tmp_path / "database.pgdump", t) for t in ("backup_test_a", "backup_test_b")}
    assert rows["backup_test_a"] == rows["backup_test_b"] == manifest["tables"]["backup_test_a"]
    assert manifest["tables"]["backup_test_b"] == rows["backup_test_a"]
    assert 20 <= rows["backup_test_a"] < len(written)
