"""Helpers for settings.py (no Django imports: settings import this module) and the servers' start.

Data files are created private to the account that runs coopreview: directories 0700, files 0600,
whatever the umask. The records are confidential; other accounts on the machine have no business
reading the database, the secret key, uploads or backups.
"""

import os
from pathlib import Path
from typing import Any

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) with mode 0700. An existing directory keeps its mode: an
    administrator may have chosen another on purpose (a group for the backup account)."""
    if not path.exists():
        path.mkdir(parents=True, mode=PRIVATE_DIR_MODE, exist_ok=True)
        path.chmod(PRIVATE_DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file_create(name: str | os.PathLike) -> None:
    """Create an empty file with mode 0600 if it does not exist (SQLite takes an empty file as a new
    database, and creates its -wal and -shm files with the database file's mode)."""
    if str(name) in ("", ":memory:") or str(name).startswith("file:"):
        return
    path = Path(name)
    if path.parent.is_dir():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))
        except FileExistsError:
            pass


def private_file_write(path: Path, content: bytes) -> None:
    """Write `content` to a new file created 0600 (never readable by others, not even for a moment)."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.chmod(path, PRIVATE_FILE_MODE)


def secret_key_problem(settings: Any) -> str | None:
    """Why the servers must not start with these settings, or None.

    Each machine generates its own key when SECRET_KEY is not set; behind a load balancer the servers
    then reject each other's sessions and CSRF tokens at random. With the embedded SQLite database
    there is one machine by construction, so the generated key is fine (the quick start and
    `coopreview demo` rely on it); with any other database SECRET_KEY must come from the environment.
    """
    if settings.DEBUG or not getattr(settings, "SECRET_KEY_GENERATED", False):
        return None
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return None
    return (
        "SECRET_KEY is not set. With DEBUG off and a shared database (DATABASE_URL), every server "
        "must use the same key, or sessions fail at random behind a load balancer. Set SECRET_KEY "
        'in the environment of every server and worker (e.g. `python3 -c "import secrets; '
        'print(secrets.token_urlsafe(50))"`).'
    )


def replica_problem(settings: Any) -> str | None:
    """Why DATABASE_REPLICA_URL cannot work with these settings, or None: replicas are PostgreSQL
    streaming replicas of a PostgreSQL primary (an SQLite file has no replica to read)."""
    names = list(getattr(settings, "DATABASE_REPLICAS", ()))
    engines = {settings.DATABASES[name]["ENGINE"] for name in ["default", *names]}
    if names and engines != {"django.db.backends.postgresql"}:
        return (
            "DATABASE_REPLICA_URL is set but the database or a replica is not PostgreSQL: read replicas "
            "need DATABASE_URL and every DATABASE_REPLICA_URL to be postgres:// addresses."
        )
    return None
