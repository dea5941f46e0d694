"""The recommendation list now searches through the one search path (coopreview/search: tantivy, or
search_fts with SEARCH_BACKEND=sql), so the list's own FTS5 table and its triggers are dropped: they
were written on every save and every imported row and read by nothing. Backwards, 0002 recreates them."""

import importlib

from django.db import migrations

fts = importlib.import_module("coopreview.recommendations.migrations.0002_fts")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in fts.BACKWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in fts.FORWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0007_priorityflag_owner")]
    operations = [migrations.RunPython(forward, backward)]
