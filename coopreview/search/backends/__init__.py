"""Search engines behind the one selector.

The default is tantivy (a top-k index on each server, following the database's change log, see
tantivy_engine). SEARCH_BACKEND names another Backend class by dotted path, or "sql" for the database's
own full-text index (FTS5 on SQLite, tsvector + GIN on PostgreSQL).
"""

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from coopreview.search.backends.base import Backend, Match

__all__ = ["Backend", "Match", "get_backend", "sql_backend"]

DEFAULT = "coopreview.search.backends.tantivy_engine.TantivyBackend"
_SQL = {
    "sqlite": "coopreview.search.backends.sqlite.SQLiteBackend",
    "postgresql": "coopreview.search.backends.postgres.PostgresBackend",
}


def sql_backend() -> Backend:
    """The database's own full-text engine."""
    path = _SQL.get(connection.vendor)
    if path is None:
        raise RuntimeError(f"No search backend for the {connection.vendor} database")
    return import_string(path)()


def get_backend() -> Backend:
    path = getattr(settings, "SEARCH_BACKEND", "") or DEFAULT
    return sql_backend() if path == "sql" else import_string(path)()
