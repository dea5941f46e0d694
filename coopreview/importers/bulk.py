"""Writing an import's records fast: plain multi-row statements in batches, inside the caller's
transaction. The ORM's bulk_create/bulk_update spend most of their time preparing each value and,
for updates, building CASE expressions; here each column's adapter is chosen once, so 100,000 records
with their links and one history row each (with its many-to-many snapshot, as simple-history writes
it) take seconds, not minutes. No signals are sent: the caller updates the search index afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.apps import apps
from django.db import connection, models

from coopreview.recommendations.models import Recommendation

BATCH = 2000  # rows per batch of statements
M2M = ("addressees", "recommended_by", "priority_flags", "themes", "restricted_to")
Progress = Callable[[int, int], None] | None


def _adapter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.DateField):  # dates and times: the same few values on every row
        adapt = (
            connection.ops.adapt_datetimefield_value
            if isinstance(field, models.DateTimeField)
            else connection.ops.adapt_datefield_value
        )
        seen: dict[Any, Any] = {}

        def memo(value: Any) -> Any:
            if value not in seen:
                seen[value] = adapt(value)
            return seen[value]

        return memo
    return lambda value: value


def _columns(model: type[models.Model], names: Sequence[str]) -> list[tuple[str, Callable]]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return [(fields[name].column, _adapter(fields[name])) for name in names]


def insert(model: type[models.Model], names: Sequence[str], rows: list[tuple]) -> None:
    """INSERT `rows` (values in the order of the attribute `names`) into `model`'s table."""
    if not rows:
        return
    columns = _columns(model, names)
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model, values bound)
        qn(model._meta.db_table), ", ".join(qn(c) for c, _a in columns), ", ".join(["%s"] * len(columns))
    )
    _run(sql, [a for _c, a in columns], rows)


def update(model: type[models.Model], names: Sequence[str], rows: list[tuple]) -> None:
    """UPDATE by primary key: each row is (values of `names`…, pk)."""
    if not rows:
        return
    columns = _columns(model, names)
    qn = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 (names from the model, values bound)
        qn(model._meta.db_table), ", ".join(f"{qn(c)} = %s" for c, _a in columns), qn(model._meta.pk.column)
    )
    _run(sql, [a for _c, a in columns] + [lambda value: value], rows)


def _run(sql: str, adapt: list[Callable], rows: list[tuple]) -> None:
    """executemany in batches, each value through its column's adapter."""
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [tuple(f(v) for f, v in zip(adapt, row, strict=True)) for row in rows[start : start + BATCH]],
            )


SCALARS = [
    f.attname
    for f in Recommendation._meta.concrete_fields
    if not f.primary_key
]  # fmt: skip


def write(
    *,
    new: list[tuple[Recommendation, dict[str, list[int]]]],
    changed: list[tuple[Recommendation, dict[str, list[int]], set[str]]],
    user_id: int | None,
    reason: str,
    now: dt.datetime,
    progress: Progress = None,
) -> list[int]:
    """Insert `new` and update `changed` recommendations (with the many-to-many ids given per record:
    for a changed one, only the fields it lists are replaced), then one history record each. Returns
    the ids written. `new` objects get their pk."""
    total, done = 2 * (len(new) + len(changed)), 0
    for start in range(0, len(new), BATCH):
        batch = new[start : start + BATCH]
        insert(Recommendation, SCALARS, [tuple(getattr(r, n) for n in SCALARS) for r, _m in batch])
        ids = dict(
            ((s, ref), pk)
            for s, ref, pk in Recommendation.objects.filter(
                source_id__in={r.source_id for r, _m in batch}, reference__in=[r.reference for r, _m in batch]
            ).values_list("source_id", "reference", "pk")
        )
        for rec, _m2m in batch:
            rec.pk = ids[(rec.source_id, rec.reference)]
            rec._state.adding = False
        _links([(rec.pk, m2m) for rec, m2m in batch], replace=False)
        done += len(batch)
        if progress:
            progress(done, total)
    names = sorted(set().union(*(fields for _r, _m, fields in changed)) - set(M2M)) if changed else []
    names = [Recommendation._meta.get_field(n).attname for n in names] + ["updated_at"]
    for start in range(0, len(changed), BATCH):
        batch = changed[start : start + BATCH]
        update(Recommendation, names, [(*(getattr(r, n) for n in names), r.pk) for r, _m, _f in batch])
        _links([(rec.pk, m2m) for rec, m2m, _f in batch], replace=True)
        done += len(batch)
        if progress:
            progress(done, total)
    written = [r for r, _m in new] + [r for r, _m, _f in changed]
    for start in range(0, len(written), BATCH):
        batch = written[start : start + BATCH]
        _history(batch, created={r.pk for r, _m in new}, user_id=user_id, reason=reason, now=now)
        done += len(batch)
        if progress:
            progress(done, total)
    return [r.pk for r in written]


def _links(rows: list[tuple[int, dict[str, list[int]]]], *, replace: bool) -> None:
    for name in M2M:
        field = Recommendation._meta.get_field(name)
        through = field.remote_field.through
        target = f"{field.m2m_reverse_field_name()}_id"
        todo = [(pk, m2m[name]) for pk, m2m in rows if name in m2m]
        if not todo:
            continue
        if replace:
            through.objects.filter(recommendation_id__in=[pk for pk, _ids in todo])._raw_delete(
                through.objects.db
            )
        insert(through, ["recommendation_id", target], [(pk, t) for pk, ids in todo for t in ids])


HISTORY_FIELDS = [
    "id", "created_at", "updated_at", "reference", "reference_sort", "text", "text_fr", "response",
    "visibility", "page", "source_id", "section_id",
]  # fmt: skip


def _history(batch: list[Recommendation], *, created: set[int], user_id, reason: str, now) -> None:
    """One historical record per recommendation, and its many-to-many snapshot, as simple-history's
    own save would write them (with the reason and the acting user)."""
    history = Recommendation.history.model
    names = [*HISTORY_FIELDS, "history_date", "history_type", "history_user_id", "history_change_reason"]
    insert(
        history,
        names,
        [
            (*(getattr(r, n) for n in HISTORY_FIELDS), now, "+" if r.pk in created else "~", user_id, reason)
            for r in batch
        ],
    )
    ids = [r.pk for r in batch]
    history_of = dict(
        history.objects.filter(id__in=ids, history_date=now)
        .order_by("history_id")
        .values_list("id", "history_id")
    )
    for name in M2M:
        field = Recommendation._meta.get_field(name)
        through = field.remote_field.through
        target = f"{field.m2m_reverse_field_name()}_id"
        m2m_history = apps.get_model("recommendations", f"HistoricalRecommendation_{name}")
        rows = through.objects.filter(recommendation_id__in=ids).values_list(
            "id", "recommendation_id", target
        )
        insert(
            m2m_history,
            ["id", "recommendation_id", target, "history_id"],
            [(pk, rec, t, history_of[rec]) for pk, rec, t in rows.iterator(chunk_size=BATCH)],
        )
