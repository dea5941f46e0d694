"""Writing an import's records fast, inside the caller's transaction (all or nothing).

Profiled at 100,000 rows (bench/results/2026-12-03-import-apply-100k.md), what cost the time was
per-row Python work around the database, not the database: ORM queries with IN lists of thousands of
values to read back the new ids and the history ids, model instances built and read attribute by
attribute, every value passed through an adapter, and on PostgreSQL psycopg's executemany (one
statement per row, its parameters dumped one by one). So:

- new records get their ids before they are written (`allocate_ids`): nothing is read back;
- rows are plain tuples of values already in the database's form; PostgreSQL receives them with
  COPY (and changed records through a temporary staging table and one UPDATE … FROM), SQLite with
  executemany of one prepared statement;
- the history rows and their many-to-many snapshot are copied by the database itself
  (INSERT … SELECT from the rows just written), as simple-history's own save would write them.

No signals are sent: the caller updates the search index afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.apps import apps
from django.db import connection, models

from coopreview.recommendations.models import Recommendation

BATCH = 2000  # records per batch (the progress moves once per batch)
M2M = ("addressees", "recommended_by", "priority_flags", "themes", "restricted_to")
Progress = Callable[[int, int], None] | None
HISTORY_OWN = ("history_id", "history_date", "history_type", "history_user_id", "history_change_reason")


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _in(ids: Iterable[int]) -> str:
    """An IN list of integer literals: ids are ours (int() guards it), and literals keep the SQL free
    of SQLite's limit on bound parameters."""
    return "(" + ", ".join(map(str, map(int, ids))) + ")"


def db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def db_date(value: dt.date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, so rows are inserted with their ids (none read back).

    PostgreSQL: taken from the table's sequence, safe beside other writers. SQLite: after the largest
    id ever given (AUTOINCREMENT's sqlite_sequence, or the largest present); the import's transaction
    holds SQLite's only write lock (BEGIN IMMEDIATE), and if anything else had taken one of them the
    insert would fail on the primary key and the whole import roll back: never a wrong row."""
    if count <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT max({_qn(pk)}) FROM {_qn(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert(table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """INSERT `rows` (values in the database's form, in the order of `columns`) into `table`."""
    if not rows:
        return
    names = ", ".join(_qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {_qn(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {_qn(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608


def update(table: str, columns: Sequence[str], rows: list[tuple], *, pk: str = "id") -> None:
    """UPDATE by primary key: each row is (values of `columns`…, pk)."""
    if not rows:
        return
    sets = ", ".join(f"{_qn(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(f"UPDATE {_qn(table)} SET {sets} WHERE {_qn(pk)} = %s", rows)  # noqa: S608
            return
        # A staging table of the same column types, filled by COPY, then one UPDATE … FROM it.
        stage = _qn(f"{table}_import_stage")
        cols = ", ".join(_qn(c) for c in [*columns, pk])
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {cols} FROM {_qn(table)} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"UPDATE {_qn(table)} AS t SET {', '.join(f'{_qn(c)} = s.{_qn(c)}' for c in columns)} "  # noqa: S608
            f"FROM {stage} AS s WHERE t.{_qn(pk)} = s.{_qn(pk)}"
        )
        cursor.execute(f"DROP TABLE {stage}")


def delete(table: str, column: str, ids: Iterable[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_qn(table)} WHERE {_qn(column)} IN {_in(ids)}")  # noqa: S608


def history_copy(
    model: type[models.Model], *, key: str, ids: Sequence[int], kind: str, user_id, reason: str, now
) -> dict[int, int]:
    """One historical record per row of `model` whose `key` column is in `ids`, copied by the database
    from the rows as written, with the date, type ("+" created, "~" changed), user and reason that
    simple-history's own save would give it. Returns {row id: history id}."""
    if not ids:
        return {}
    history = model.history.model
    table = _qn(history._meta.db_table)
    columns = [f.column for f in history._meta.concrete_fields if f.attname not in HISTORY_OWN]
    names = ", ".join(_qn(c) for c in columns)
    sql = (
        f"INSERT INTO {table} ({names}, history_date, history_type, history_user_id, "  # noqa: S608
        f"history_change_reason) SELECT {names}, %s, %s, %s, %s "
        f"FROM {_qn(model._meta.db_table)} WHERE {_qn(key)} IN {_in(ids)}"
    )
    params = [db_datetime(now), kind, user_id, reason]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:  # PostgreSQL, SQLite ≥ 3.35
            cursor.execute(f"{sql} RETURNING id, history_id", params)
            return dict(cursor.fetchall())
        # Older SQLite: the rows just written are the ones after the largest history id before (the
        # import holds the only write lock), read by the primary key.
        cursor.execute(f"SELECT COALESCE(MAX(history_id), 0) FROM {table}")  # noqa: S608
        before = cursor.fetchone()[0]
        cursor.execute(sql, params)
        cursor.execute(f"SELECT id, history_id FROM {table} WHERE history_id > %s", [before])  # noqa: S608
        return dict(cursor.fetchall())


def _m2m(name: str) -> tuple[models.ManyToManyField, str, str, str]:
    field = Recommendation._meta.get_field(name)
    through = field.remote_field.through._meta.db_table
    return field, through, field.m2m_column_name(), field.m2m_reverse_name()


def links_write(rows: list[tuple[int, dict[str, list[int]]]], *, replace: bool) -> None:
    """The many-to-many rows of (pk, {field: [target ids]}); `replace` drops the old ones of the
    fields given first. Link ids come from the database (nothing reads them back)."""
    for name in M2M:
        _field, through, own, target = _m2m(name)
        todo = [(pk, m2m[name]) for pk, m2m in rows if name in m2m]
        if not todo:
            continue
        if replace:
            delete(through, own, [pk for pk, _ids in todo])
        insert(through, [own, target], [(pk, t) for pk, ids in todo for t in dict.fromkeys(ids)])


def history_m2m_copy(history_of: dict[int, int]) -> None:
    """The many-to-many snapshot of the historical records `history_of` ({record id: history id}), as
    simple-history writes it: each link row with the id of its historical record. The links are read
    by their record's index: a join with the history table let the planners scan every history row
    of the import (same date) once per batch, quadratic in the import's size."""
    ids = list(history_of)
    with connection.cursor() as cursor:
        for name in M2M:
            _field, through, own, target = _m2m(name)
            snapshot = apps.get_model("recommendations", f"HistoricalRecommendation_{name}")._meta.db_table
            cursor.execute(
                f"SELECT id, {_qn(own)}, {_qn(target)} FROM {_qn(through)} WHERE {_qn(own)} IN {_in(ids)}"  # noqa: S608
            )
            rows = [(pk, rec, t, history_of[rec]) for pk, rec, t in cursor.fetchall()]
            insert(snapshot, ["id", own, target, "history_id"], rows)


def write(
    *,
    new: list[tuple[tuple, dict[str, list[int]]]],
    new_columns: Sequence[str],
    changed: list[tuple[Sequence[str], tuple, dict[str, list[int]]]],
    user_id: int | None,
    reason: str,
    now: dt.datetime,
    progress: Progress = None,
) -> list[int]:
    """Insert `new` records ((row in the order of `new_columns`, with its "id"), {m2m field: ids}) and
    update `changed` ones ((columns set, (values…, pk)), {m2m field: ids to replace}); each record's
    links and one history record each (with its many-to-many snapshot). Returns the ids written.
    Progress moves once per batch of records, all steps of the batch done."""
    table = Recommendation._meta.db_table
    total, done = len(new) + len(changed), 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Compiling each large statement to machine code cost more than running it; this
            # transaction only.
            cursor.execute("SET LOCAL jit = off")
    pk_at = list(new_columns).index("id")
    for start in range(0, len(new), BATCH):
        batch = new[start : start + BATCH]
        insert(table, new_columns, [row for row, _m in batch])
        ids = [row[pk_at] for row, _m in batch]
        links_write([(row[pk_at], m2m) for row, m2m in batch], replace=False)
        history_m2m_copy(
            history_copy(Recommendation, key="id", ids=ids, kind="+", user_id=user_id, reason=reason, now=now)
        )
        done += len(batch)
        if progress:
            progress(done, total)
    # Records that change the same columns are updated together (a file usually changes one or two).
    groups: dict[tuple[str, ...], list] = {}
    for columns, row, m2m in changed:
        groups.setdefault(tuple(columns), []).append((row, m2m))
    for columns, items in groups.items():
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            update(table, columns, [row for row, _m in batch])
            ids = [row[-1] for row, _m in batch]
            links_write([(row[-1], m2m) for row, m2m in batch], replace=True)
            history_m2m_copy(
                history_copy(
                    Recommendation, key="id", ids=ids, kind="~", user_id=user_id, reason=reason, now=now
                )
            )
            done += len(batch)
            if progress:
                progress(done, total)
    return [row[pk_at] for row, _m in new] + [row[-1] for _c, row, _m in changed]
