"""SQLite: search_fts is written by the SQLite engine's hooks, no longer by triggers on search_entry.

With tantivy as the engine the triggers wrote FTS5 on every edit, and at a million entries FTS5 stalled
every few edits for about three seconds. The SQLite engine now writes search_fts itself while it is
the engine; rebuilds write it in one pass. PostgreSQL: nothing to do.
"""

from django.db import migrations

import importlib

previous = importlib.import_module("coopreview.search.migrations.0002_engines")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in previous.SQLITE_BACKWARD[:3]:  # the three DROP TRIGGER statements
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in previous.SQLITE_FORWARD[1:4]:  # the three CREATE TRIGGER statements
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_pending")]
    operations = [migrations.RunPython(forward, backward)]
