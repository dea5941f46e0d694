"""Search engines behind the one selector. Pick by the database vendor, or SEARCH_BACKEND (a dotted
path to a Backend class) so a faster top-k engine can be plugged in without touching callers."""

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from coopreview.search.backends.base import Backend, Match

__all__ = ["Backend", "Match", "get_backend"]

_DEFAULTS = {
    "sqlite": "coopreview.search.backends.sqlite.SQLiteBackend",
    "postgresql": "coopreview.search.backends.postgres.PostgresBackend",
}


def get_backend() -> Backend:
    path = getattr(settings, "SEARCH_BACKEND", "") or _DEFAULTS.get(connection.vendor)
    if path is None:
        raise RuntimeError(f"No search backend for the {connection.vendor} database")
    return import_string(path)()
