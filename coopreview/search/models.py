import datetime as dt
from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone
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


def object_id_of(entry_id: int) -> int:
    """The object id inside an index row id (see entry_id): no query needed to map matches to records."""
    return (entry_id >> 4) & ((1 << (LAYER_BITS - 4)) - 1)


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


class ChangeOp(models.TextChoices):
    PUT = "put", _("added or replaced")
    DELETE = "delete", _("deleted")


class SearchChange(models.Model):
    """The append-only log of changes to search_entry, written in the same transaction as the change.

    Each engine index directory (one per application server) follows it with its own cursor (the last
    id it applied, kept with the index, see backends.tantivy_engine), so any number of servers stay in
    step; no server ever consumes another's changes. Rows are pruned only below the lowest cursor of the
    registered followers or past the retention window. Derived data like SearchEntry: no history.
    """

    id = models.BigAutoField(primary_key=True)
    entry_id = models.BigIntegerField()
    op = models.CharField(max_length=8, choices=ChangeOp.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "search_change"

    def __str__(self) -> str:
        return f"{self.id}:{self.op}:{self.entry_id}"


class SearchFollower(models.Model):
    """An index directory following the change log: its cursor as last reported, for pruning."""

    name = models.CharField(max_length=255, unique=True)
    cursor = models.BigIntegerField(default=0)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "search_follower"

    def __str__(self) -> str:
        return f"{self.name}@{self.cursor}"


class SearchPrune(models.Model):
    """The last pruning of the change log: every row with an id up to `through` may be gone, so a
    follower whose cursor is below it has missed changes and rebuilds its index."""

    through = models.BigIntegerField()
    pruned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "search_prune"

    def __str__(self) -> str:
        return str(self.through)


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
