import datetime as dt
from dataclasses import dataclass

from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RECOMMENDATION = "rec", _("Recommendation")
    PROFILE = "profile", _("State profile")
    PRACTICE = "practice", _("Practice")
    CASE_LAW = "caselaw", _("Case law")
    DOCUMENT = "document", _("Document")


LAYER_BITS = 44  # id = layer << 44 | object_id << 4 | kind << 1 | language
LAYERS = {"public": 0, "members": 1, "restricted": 2}
KIND_CODES = {"rec": 0, "profile": 1, "practice": 2, "caselaw": 3, "document": 4}


def entry_id(*, kind: str, object_id: int, language: str, visibility: str) -> int:
    """The row id of an index entry. The access layer sits in the high bits so an engine can filter
    by layer with a rowid range (FTS5 narrows its scan to it at no ranking cost), and the object id
    above the kind so "highest ids first" is roughly "newest first" across kinds."""
    layer = LAYERS.get(visibility, LAYERS["restricted"])
    return (layer << LAYER_BITS) | (object_id << 4) | (KIND_CODES[kind] << 1) | (language == "fr")


def layer_bound(layer: str) -> int:
    """Ids below this belong to `layer` or a more open one."""
    return (LAYERS[layer] + 1) << LAYER_BITS


class SearchEntry(models.Model):
    """One searchable entry in one language: the unified index every search reads.

    Derived data, rebuilt by `search_index --rebuild`, so it keeps no history. `tokens` holds the
    access and facet tokens (e.g. "xvispublicx xkindrecx xstatesenx") matched inside the full-text
    index, so filters never cost a join. The engine-specific structures (FTS5 table on SQLite,
    tsvector columns and GIN indexes on PostgreSQL) are created by migration 0002.
    """

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    language = models.CharField(_("language"), max_length=5)
    title = models.TextField(_("title"))
    body = models.TextField(_("text"), blank=True)
    tokens = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    visibility = models.CharField(max_length=20)
    states = models.CharField(max_length=300, blank=True)  # space-separated ISO alpha-3 codes
    measure = models.CharField(max_length=30, blank=True)
    topics = models.TextField(blank=True)  # "|"-separated display names
    date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "search_entry"
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="search_searchentry_unique_entry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.language}"


class SearchPending(models.Model):
    """Entry ids written to search_entry and not yet applied to a separate engine's index (see
    backends.tantivy_engine). Written in the same transaction as the entries; emptied as applied."""

    entry_id = models.BigIntegerField()

    class Meta:
        db_table = "search_pending"

    def __str__(self) -> str:
        return str(self.entry_id)


@dataclass
class PageEntry:
    id: int
    kind: str
    object_id: int
    language: str
    url: str
    title: str
    body: str  # the beginning only (see entries_for_page)
    states: str
    measure: str
    date: dt.date | None


def entries_for_page(ids: list[int], *, body_chars: int) -> dict[int, PageEntry]:
    """The rows a result page shows, with only the first `body_chars` of each text. Plain SQL: this
    runs on every search and model instances (or the full text of long documents) cost more than the
    engine's query itself."""
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    columns = "id, kind, object_id, language, url, title, substr(body, 1, %s), states, measure, date"
    sql = f"SELECT {columns} FROM search_entry WHERE id IN ({marks})"  # noqa: S608 — placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, [body_chars, *ids])
        rows = cursor.fetchall()
    out = {}
    for row in rows:
        entry = PageEntry(*row)
        if isinstance(entry.date, str):  # SQLite returns dates as text through a plain cursor
            entry.date = dt.date.fromisoformat(entry.date[:10])
        out[entry.id] = entry
    return out
