"""The two halves of the backup round trip, each run in its own process with its own data directory
(COOPREVIEW_DATA_DIR, DATABASE_URL) by test_backup.py:

    python -m coopreview.core.tests.backup_roundtrip make ARCHIVE     data, then `coopreview backup`
    python -m coopreview.core.tests.backup_roundtrip restore ARCHIVE  `coopreview restore` into a fresh one

Each prints one JSON object: every table's row count and content hash, the uploads, and what a search
for the record's word finds.
"""

import hashlib
import json
import os
import sys
from pathlib import Path

WORD = "quokkarestore"
DERIVED = ("search_",)  # the search index tables: rebuilt on restore, compared through a search


def _report() -> dict:
    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from coopreview.search.selectors import search

    tables = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.table_names(cursor, include_views=False)):
            if name.startswith(DERIVED):
                continue
            cursor.execute(f'SELECT * FROM "{name}"')  # noqa: S608 — names from the catalogue
            rows = sorted(repr(row) for row in cursor.fetchall())
            tables[name] = [len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()]
    media = Path(settings.MEDIA_ROOT)
    files = {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*")
        if p.is_file()
    }
    results = search(query=WORD, user=AnonymousUser(), filters={})
    hits = sorted(f"{hit.kind}:{hit.object_id}" for hit in results.hits)
    return {"tables": tables, "media": files, "hits": hits}


def make(archive: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from coopreview.knowledge.conftest import make_docx
    from coopreview.knowledge.services import document_upload, practice_create
    from coopreview.recommendations.models import Source
    from coopreview.recommendations.services import recommendation_create

    call_command("migrate", interactive=False, verbosity=0)
    source = Source.objects.create(symbol="ICC-ASP/23/1", title="Backup review")
    recommendation_create(by=None, source=source, reference="1", text=f"A {WORD} recommendation.")
    recommendation_create(by=None, source=source, reference="2", text="Another one, not found.")
    practice = practice_create(
        by=None, title="Witness relocation", summary="A practice.", visibility="public"
    )
    document_upload(
        by=None,
        title="Memo",
        practice=practice,
        upload=SimpleUploadedFile("memo.docx", make_docx(f"The {WORD} memo.")),
    )
    report = _report()
    call_command("backup", output=archive, verbosity=0)
    print(json.dumps(report))


def restore(archive: str) -> None:
    from django.core.management import call_command

    call_command("restore", archive)
    print(json.dumps(_report()))


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
    import django

    django.setup()
    {"make": make, "restore": restore}[sys.argv[1]](sys.argv[2])
