"""Engine-specific structures of the unified index.

SQLite: an FTS5 external-content table over search_entry kept in step by triggers (so every write
to search_entry is indexed in the same transaction), Porter stemming over unicode61 with diacritics
removed (French queries work with or without accents), bm25 weights title 10, body 1, tokens 0.
PostgreSQL: tsvector columns (text in the row's language configuration, tokens in 'simple') with
GIN indexes; filled by coopreview.search.backends.postgres when rows are written.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
        title, body, tokens, content='search_entry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON search_entry BEGIN
        INSERT INTO search_fts(rowid, title, body, tokens) VALUES (new.id, new.title, new.body, new.tokens);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON search_entry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body, tokens)
        VALUES ('delete', old.id, old.title, old.body, old.tokens);
    END""",
    """CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE ON search_entry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body, tokens)
        VALUES ('delete', old.id, old.title, old.body, old.tokens);
        INSERT INTO search_fts(rowid, title, body, tokens) VALUES (new.id, new.title, new.body, new.tokens);
    END""",
    "INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 0.0)')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE search_entry ADD COLUMN vector tsvector",
    "ALTER TABLE search_entry ADD COLUMN token_vector tsvector",
    "CREATE INDEX search_entry_vector_gin ON search_entry USING gin (vector)",
    "CREATE INDEX search_entry_token_vector_gin ON search_entry USING gin (token_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_token_vector_gin",
    "DROP INDEX IF EXISTS search_entry_vector_gin",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS token_vector",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS vector",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor)
    for sql in statements or []:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(
        schema_editor.connection.vendor
    )
    for sql in statements or []:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
