"""SQLite FTS5 index over recommendations, kept in step by triggers. PostgreSQL needs nothing here."""

from django.db import migrations

FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS recommendations_fts USING fts5(
        reference, text, text_fr,
        content='recommendations_recommendation', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS recommendations_fts_ai AFTER INSERT ON recommendations_recommendation BEGIN
        INSERT INTO recommendations_fts(rowid, reference, text, text_fr) VALUES (new.id, new.reference, new.text, new.text_fr);
    END""",
    """CREATE TRIGGER IF NOT EXISTS recommendations_fts_ad AFTER DELETE ON recommendations_recommendation BEGIN
        INSERT INTO recommendations_fts(recommendations_fts, rowid, reference, text, text_fr)
        VALUES ('delete', old.id, old.reference, old.text, old.text_fr);
    END""",
    """CREATE TRIGGER IF NOT EXISTS recommendations_fts_au AFTER UPDATE OF reference, text, text_fr
        ON recommendations_recommendation BEGIN
        INSERT INTO recommendations_fts(recommendations_fts, rowid, reference, text, text_fr)
        VALUES ('delete', old.id, old.reference, old.text, old.text_fr);
        INSERT INTO recommendations_fts(rowid, reference, text, text_fr) VALUES (new.id, new.reference, new.text, new.text_fr);
    END""",
    "INSERT INTO recommendations_fts(recommendations_fts) VALUES ('rebuild')",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS recommendations_fts_au",
    "DROP TRIGGER IF EXISTS recommendations_fts_ad",
    "DROP TRIGGER IF EXISTS recommendations_fts_ai",
    "DROP TABLE IF EXISTS recommendations_fts",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
