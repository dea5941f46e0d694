"""Backups: one archive holding the database and the uploads; a restore that is all or nothing.

The archive is a gzipped tar, created 0600:

    manifest.json      format, version, engine, created_at, app version, rows per table, checksums
    database.sqlite3   SQLite: a copy made with SQLite's online backup API (consistent while serving)
    database.pgdump    PostgreSQL: `pg_dump -Fc` in the same snapshot the row counts were read in
    media/…            the uploads (MEDIA_ROOT), copied after the database snapshot: files are written
                       before their rows commit, so every row in the snapshot finds its file

A restore reads and checks everything first (manifest, checksum, integrity, row counts) in a temporary
directory beside the data, then replaces the database in one step (SQLite's backup API into the live
file; `pg_restore --single-transaction`), swaps the uploads directory, applies migrations (a backup of
an older version) and rebuilds the search index, which is derived data and not in the archive.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from coopreview.config.production import PRIVATE_FILE_MODE, private_dir

FORMAT = "coopreview-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the person running it."""


@dataclass
class Restored:
    manifest: dict
    media_files: int
    index_rows: int


def _app_version() -> str:
    try:
        return version("coopreview")
    except PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(v)s.") % {"v": connection.vendor})
    return connection.vendor


# --- SQLite -----------------------------------------------------------------------------------------


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608


def sqlite_snapshot(source: Path, target: Path) -> dict[str, int]:
    """Copy the live database `source` into `target` with the online backup API (one read transaction:
    a consistent copy while other connections write) and return its rows per table, read from the copy."""
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle:
        pass  # created 0600 by tempfile
    os.replace(handle.name, target)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        return _sqlite_counts(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_check(path: Path, expected: dict[str, int]) -> None:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            counts = _sqlite_counts(db)
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(_("The database in the backup cannot be read: %(e)s") % {"e": error}) from error
    if integrity != "ok":
        raise BackupError(_("The database in the backup is damaged: %(e)s") % {"e": integrity})
    _compare_counts(counts, expected)


def _sqlite_restore(path: Path, expected: dict[str, int]) -> None:
    """Copy the checked database into the live file with the backup API: SQLite writes it in one
    transaction, so other connections see the old database or the new one, never a mix."""
    connection.close()
    live = Path(settings.DATABASES["default"]["NAME"])
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(live, timeout=30)
    try:
        src.backup(dst)
        counts = _sqlite_counts(dst)
    finally:
        dst.close()
        src.close()
    _compare_counts(counts, expected)


# --- PostgreSQL -------------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """libpq's environment for pg_dump / pg_restore: the password stays out of the command line."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, name in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(name):
            env[key] = str(db[name])
    if sslmode := db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    env["PGDATABASE"] = db["NAME"]
    return env


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 — names from the catalogue
        counts[name] = cursor.fetchone()[0]
    return counts


def _run_tool(args: list[str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupError(
            _("%(tool)s was not found: install PostgreSQL's client programs (postgresql-client).")
            % {"tool": args[0]}
        )
    result = subprocess.run([tool, *args[1:]], env=_pg_env(), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(e)s") % {"tool": args[0], "e": result.stderr.strip()})


def _pg_dump(target: Path) -> dict[str, int]:
    """Count the rows and dump in one snapshot (exported to pg_dump), so the manifest matches the dump."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _pg_counts(cursor)
        _run_tool(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target)])
    return counts


def _pg_restore(path: Path, expected: dict[str, int]) -> None:
    _run_tool(["pg_restore", "--list", str(path)])  # a damaged dump stops here, before any change
    connection.close()
    _run_tool(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
        + ["--dbname", settings.DATABASES["default"]["NAME"], str(path)]
    )
    with connection.cursor() as cursor:
        counts = _pg_counts(cursor)
    _compare_counts({name: counts.get(name, 0) for name in expected}, expected)


def _compare_counts(counts: dict[str, int], expected: dict[str, int]) -> None:
    wrong = [
        f"{name}: {counts.get(name)} ≠ {rows}" for name, rows in expected.items() if counts.get(name) != rows
    ]
    if wrong:
        raise BackupError(_("Rows differ from the backup's manifest: %(t)s") % {"t": "; ".join(wrong[:5])})


# --- the archive ------------------------------------------------------------------------------------


def backup_create(*, output: Path) -> dict:
    """Write the archive to `output` (0600, replaced only once complete). Returns its manifest."""
    engine = _engine()
    output = output.resolve()
    if not output.parent.is_dir():
        raise BackupError(_("The folder %(d)s does not exist.") % {"d": output.parent})
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".coopreview-backup-") as tmp:
        database = Path(tmp) / DATABASE_FILES[engine]
        if engine == "sqlite":
            counts = sqlite_snapshot(Path(settings.DATABASES["default"]["NAME"]), database)
        else:
            counts = _pg_dump(database)
        media_files = [p for p in sorted(media_root.rglob("*")) if p.is_file()] if media_root.is_dir() else []
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "engine": engine,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "app_version": _app_version(),
            "database": {"file": database.name, "sha256": _sha256(database)},
            "tables": counts,
            "media_files": len(media_files),
        }
        partial = Path(tmp) / "archive.tar.gz"
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(time.time()), PRIVATE_FILE_MODE
            archive.addfile(info, _BytesReader(data))
            archive.add(database, arcname=database.name)
            for path in media_files:
                archive.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
        os.replace(partial, output)
    return manifest


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


def _read_manifest(archive: tarfile.TarFile, name: str) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError) as error:
        raise BackupError(_("%(f)s is not a coopreview backup: it has no manifest.") % {"f": name}) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("%(f)s is not a coopreview backup.") % {"f": name})
    if not isinstance(manifest.get("version"), int) or manifest["version"] > FORMAT_VERSION:
        raise BackupError(
            _("%(f)s was written by a newer coopreview (format %(v)s): upgrade before restoring it.")
            % {"f": name, "v": manifest.get("version")}
        )
    return manifest


def backup_restore(*, path: Path, log: Callable[[str], None] = lambda message: None) -> Restored:
    """Replace the database and the uploads with the archive's, then migrate and rebuild the index."""
    from django.core.management import call_command

    engine = _engine()
    name = str(path)
    if not path.is_file():
        raise BackupError(_("%(f)s does not exist.") % {"f": name})
    try:
        archive = tarfile.open(path, "r:*")
    except tarfile.TarError as error:
        raise BackupError(_("%(f)s is not a coopreview backup (not a tar archive).") % {"f": name}) from error
    media_root = Path(settings.MEDIA_ROOT)
    # Beside the uploads folder, so that swapping it is a rename on one file system.
    parent = private_dir(media_root.parent)
    with archive, tempfile.TemporaryDirectory(dir=parent, prefix=".coopreview-restore-") as tmp:
        manifest = _read_manifest(archive, name)
        if manifest.get("engine") != engine:
            raise BackupError(
                _(
                    "%(f)s holds a %(b)s database; this installation uses %(e)s. "
                    "Restore it into a %(b)s installation."
                )
                % {"f": name, "b": manifest.get("engine"), "e": engine}
            )
        expected, database = manifest.get("tables", {}), manifest.get("database", {})
        # Everything is extracted and checked before anything live changes. The "data" filter refuses
        # absolute paths, "..", links and devices: an archive cannot write outside the temporary folder.
        members = [
            m
            for m in archive.getmembers()
            if m.name == database.get("file") or m.name.startswith(f"{MEDIA}/")
        ]
        try:
            archive.extractall(tmp, members=members, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(_("%(f)s is damaged: %(e)s") % {"f": name, "e": error}) from error
        extracted = Path(tmp) / str(database.get("file"))
        if not extracted.is_file() or _sha256(extracted) != database.get("sha256"):
            raise BackupError(_("%(f)s is damaged: the database does not match its checksum.") % {"f": name})
        restored_media = Path(tmp) / MEDIA
        media_files = (
            sum(1 for p in restored_media.rglob("*") if p.is_file()) if restored_media.exists() else 0
        )
        if media_files != manifest.get("media_files", 0):
            raise BackupError(_("%(f)s is damaged: uploads are missing.") % {"f": name})
        if engine == "sqlite":
            _sqlite_check(extracted, expected)

        log(_("Restoring the database (%(n)s tables)…") % {"n": len(expected)})
        if engine == "sqlite":
            _sqlite_restore(extracted, expected)
        else:
            _pg_restore(extracted, expected)

        log(_("Restoring the uploads (%(n)s files)…") % {"n": media_files})
        restored_media.mkdir(exist_ok=True)
        for item in [restored_media, *restored_media.rglob("*")]:  # private, whatever the archive says
            item.chmod(0o700 if item.is_dir() else PRIVATE_FILE_MODE)
        old = Path(tmp) / "replaced-media"
        if media_root.exists():
            os.replace(media_root, old)
        os.replace(restored_media, media_root)

    log(_("Applying migrations…"))
    call_command("migrate", interactive=False, verbosity=0)
    log(_("Rebuilding the search index (derived data, not in the backup)…"))
    from coopreview.search.indexing import index_rebuild

    index_rows = index_rebuild()
    return Restored(manifest=manifest, media_files=media_files, index_rows=index_rows)
