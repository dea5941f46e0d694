"""Keeping the unified index in step with the database (each engine's hooks keep its own index).

Knowledge services call index_update/index_delete inside their transaction; recommendations (another
app's services) are followed by signal receivers connected in SearchConfig.ready, which also run
inside the saving transaction. Bulk writes that bypass signals are caught up by
`search_index --rebuild`.
"""

from contextlib import nullcontext

from django.db import models, transaction

from coopreview.core.coalesce import defer
from coopreview.search.backends import get_backend
from coopreview.search.indexers import INDEXERS, all_objects
from coopreview.search.models import Kind, SearchEntry


def _kind_of(obj: models.Model) -> str | None:
    entry = INDEXERS.get(type(obj))
    return entry[0] if entry else None


@transaction.atomic(savepoint=False)
def index_update(obj: models.Model) -> None:
    """Replace the index rows of `obj` (one per language it has). No savepoint of its own: it always
    runs inside the write it follows, and a failure here must undo that write anyway (a savepoint
    would only add a SAVEPOINT and a RELEASE to every save)."""
    kind, rows_for = INDEXERS[type(obj)]
    rows = rows_for(obj)
    # The id depends on the access layer, so rows are replaced rather than updated.
    backend = get_backend()
    # The engine's change log (tantivy) takes the deletes and the puts in one insert.
    with getattr(backend, "one_log", nullcontext)():
        _delete(backend, kind, obj.pk)
        created = SearchEntry.objects.bulk_create([SearchEntry(**row.fields(kind, obj.pk)) for row in rows])
        backend.after_write([e.pk for e in created])


def _delete(backend, kind: str, object_id: int) -> None:
    entries = SearchEntry.objects.filter(kind=kind, object_id=object_id)
    ids = list(entries.values_list("id", flat=True))
    if ids:
        backend.before_delete(ids)
        SearchEntry.objects.filter(id__in=ids).delete()
        backend.after_delete(ids)


@transaction.atomic
def index_delete(obj: models.Model) -> None:
    kind = _kind_of(obj)
    if kind:
        _delete(get_backend(), kind, obj.pk)


@transaction.atomic
def index_rebuild(*, batch_size: int = 2000, progress=None) -> int:
    """Empty the index and write it again from every entry. Returns the number of rows."""
    backend = get_backend()
    backend.before_rebuild()
    SearchEntry.objects.all().delete()
    total, batch = 0, []

    def flush() -> None:
        created = SearchEntry.objects.bulk_create(batch)
        backend.after_write([e.pk for e in created])
        batch.clear()

    for kind, object_id, rows in all_objects(chunk_size=batch_size):
        for row in rows:
            batch.append(SearchEntry(**row.fields(kind, object_id)))
        if len(batch) >= batch_size:
            total += len(batch)
            flush()
            if progress:
                progress(total)
    total += len(batch)
    if batch:
        flush()
    backend.after_rebuild()
    return total


def recommendations_reindex(*, ids: list[int], batch_size: int = 2000) -> int:
    """Replace the index rows of the recommendations `ids` (after a bulk write that sent no signals),
    one short transaction per batch so other writers never wait long. Idempotent. Returns rows written."""
    from coopreview.search.indexers import recommendation_rows_in_bulk

    backend = get_backend()
    total = 0
    ids = sorted(set(ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with transaction.atomic():
            old = list(
                SearchEntry.objects.filter(kind=Kind.RECOMMENDATION, object_id__in=chunk).values_list(
                    "id", flat=True
                )
            )
            if old:
                backend.before_delete(old)
                SearchEntry.objects.filter(id__in=old).delete()
                backend.after_delete(old)
            entries = [
                SearchEntry(**row.fields(Kind.RECOMMENDATION, pk))
                for pk, rows in recommendation_rows_in_bulk(chunk_size=batch_size, ids=chunk)
                for row in rows
            ]
            created = SearchEntry.objects.bulk_create(entries)
            backend.after_write([e.pk for e in created])
            total += len(created)
    return total


# --- signal receivers for recommendations (connected in apps.py) --------------------------------


def _update_once(instance) -> None:
    """Index now, or once at the end of the write when the service coalesces (a create with its
    addressees, themes and restrictions sends four signals: one index update, not four)."""
    if not defer(("search", type(instance), instance.pk), lambda: index_update(instance)):
        index_update(instance)


def on_recommendation_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _update_once(instance)


def on_recommendation_m2m_changed(sender, instance, action, reverse=False, **kwargs) -> None:
    from coopreview.recommendations.models import Recommendation

    if (
        action in ("post_add", "post_remove", "post_clear")
        and not reverse
        and isinstance(instance, Recommendation)
    ):
        _update_once(instance)


def on_deleted(sender, instance, **kwargs) -> None:
    index_delete(instance)
