"""PostgreSQL's unaccent extension, so search folds accents as SQLite's FTS5 does. Nothing on SQLite."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0002_fts")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
