"""Many-to-many links written in bulk, and their history rows written from what was written.

django-simple-history's m2m history reads each relation's link rows back after the save, through an
instance rebuilt from the history row (whose excluded fields are then re-read: one more query per
relation). save_with_history knows the rows it wrote: it leaves them on the instance and
LinkHistoricalRecords copies them, so a write's cost is its inserts, not inserts plus reads back.
"""

from collections.abc import Iterable
from typing import Any

from django.db import connections, models
from django.db.models import Value
from django.db.models.signals import m2m_changed
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_m2m_records, pre_create_historical_m2m_records
from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

KNOWN = "_history_m2m_rows"  # instance attribute: {field name: the relation's link rows, with their ids}


def _ids(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(getattr(v, "pk", v) for v in values))


def bulk_ready(instance: models.Model, name: str) -> bool:
    """Whether write_links can write this relation (an auto-created through model, and a database
    that returns the ids of inserted rows)."""
    through = instance._meta.get_field(name).remote_field.through
    db = instance._state.db or "default"
    return bool(through._meta.auto_created and connections[db].features.can_return_rows_from_bulk_insert)


def _atts(field) -> tuple[str, str]:
    return f"{get_m2m_field_name(field)}_id", f"{get_m2m_reverse_field_name(field)}_id"


def current_links(instance: models.Model, names: list[str]) -> dict[str, list[models.Model]]:
    """The link rows of `instance`'s relations `names`, read in one query (UNION ALL over their
    tables) instead of one per relation."""
    db = instance._state.db or "default"
    parts = []
    for i, name in enumerate(names):
        field = instance._meta.get_field(name)
        source_att, target_att = _atts(field)
        through = field.remote_field.through
        rows = through.objects.using(db).filter(**{source_att: instance.pk})
        parts.append(rows.annotate(_rel=Value(i)).values_list("_rel", "id", target_att))
    if not parts:
        return {}
    found: dict[str, list[models.Model]] = {name: [] for name in names}
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for i, pk, target in query:
        field = instance._meta.get_field(names[i])
        source_att, target_att = _atts(field)
        through = field.remote_field.through
        found[names[i]].append(through.from_db(db, ["id", source_att, target_att], [pk, instance.pk, target]))
    return found


def row_targets(instance: models.Model, name: str, rows: list[models.Model]) -> list[Any]:
    """The ids linked by `rows`, link rows of `instance`'s relation `name` (as current_links reads them)."""
    target_att = _atts(instance._meta.get_field(name))[1]
    return [getattr(row, target_att) for row in rows]


def link_targets(instance: models.Model, names: list[str]) -> dict[str, list[Any]]:
    """The ids linked to `instance` by each relation of `names`, in one query (see current_links)."""
    return {name: row_targets(instance, name, rows) for name, rows in current_links(instance, names).items()}


def _in_model_order(objs: list[Any], model: type[models.Model]) -> list[Any] | None:
    """`objs` sorted as `model`'s default ordering would return them, or None when that ordering is
    not plain fields of the model (then the relation is read again when asked for)."""
    keys = []
    for item in model._meta.ordering or ["pk"]:
        if not isinstance(item, str) or "__" in item or item.lstrip("-") == "?":
            return None
        keys.append((item.lstrip("-"), item.startswith("-")))
    try:
        for attname, descending in reversed(keys):  # stable sorts, last key first
            objs = sorted(objs, key=lambda o, a=attname: getattr(o, a), reverse=descending)
    except (AttributeError, TypeError):  # a missing field, or None beside values
        return None
    return objs


def remember_links(instance: models.Model, name: str, values: list[Any]) -> None:
    """Leave the relation's objects on `instance`, as a prefetch would: readers later in the same
    write (the search index document) use them instead of reading them again. Only when every
    value is an object of the related model (a form's choices); ids would need a read anyway."""
    model = instance._meta.get_field(name).remote_field.model
    if not all(isinstance(v, model) and v.pk is not None for v in values):
        return
    ordered = _in_model_order(list({v.pk: v for v in values}.values()), model)
    if ordered is None:
        return
    qs = getattr(instance, name).get_queryset()  # lazy: no query
    qs._result_cache, qs._prefetch_done = ordered, True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = qs


def write_links(
    instance: models.Model,
    name: str,
    values: Iterable[Any],
    *,
    created: bool,
    current: list[models.Model] | None = None,
) -> bool:
    """Make `instance`'s `name` links exactly `values` (one read on an edit unless `current`, the link
    rows read by current_links, is given; one insert, one delete at most), sending m2m_changed as
    add()/set() do. False (nothing done) when the relation has its own through model or the database
    cannot return inserted ids: the caller uses add()/set()."""
    if not bulk_ready(instance, name):
        return False
    field = instance._meta.get_field(name)
    through = field.remote_field.through
    db = instance._state.db or "default"
    source_att, target_att = _atts(field)
    values = list(values)
    wanted = _ids(values)
    if current is None:
        current = [] if created else list(through.objects.using(db).filter(**{source_att: instance.pk}))
    have = {getattr(row, target_att) for row in current}
    removed = [row for row in current if getattr(row, target_att) not in set(wanted)]
    added = [pk for pk in wanted if pk not in have]
    related = field.remote_field.model

    def signal(action: str, pks: set) -> None:
        m2m_changed.send(
            sender=through,
            instance=instance,
            action=action,
            reverse=False,
            model=related,
            pk_set=pks,
            using=db,
        )

    if removed:
        pks = {getattr(row, target_att) for row in removed}
        signal("pre_remove", pks)
        through.objects.using(db).filter(pk__in=[row.pk for row in removed]).delete()
        signal("post_remove", pks)
    rows = [through(**{source_att: instance.pk, target_att: pk}) for pk in added]
    if rows:
        signal("pre_add", set(added))
        through.objects.using(db).bulk_create(rows)
        signal("post_add", set(added))
    getattr(instance, "_prefetched_objects_cache", {}).pop(name, None)  # as add()/set() do: no stale list
    remember_links(instance, name, values)
    kept = [row for row in current if row not in removed]
    instance.__dict__.setdefault(KNOWN, {})[name] = kept + rows
    return True


class LinkHistoricalRecords(HistoricalRecords):
    """HistoricalRecords whose m2m history copies the link rows save_with_history wrote (no read back);
    links written any other way are read as django-simple-history reads them."""

    def create_historical_record_m2ms(self, history_instance, instance):
        known = instance.__dict__.pop(KNOWN, {})
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through = field.remote_field.through
            rows = known.get(field.name)
            if rows is None:  # the class's through model: no instance rebuilt from the history row
                rows = through.objects.filter(**{f"{get_m2m_field_name(field)}_id": instance.pk})
            insert_rows = [
                m2m_history_model(
                    history=history_instance,
                    **{f.attname: getattr(row, f.attname) for f in through._meta.fields},
                )
                for row in rows
            ]
            pre_create_historical_m2m_records.send(
                sender=m2m_history_model,
                rows=insert_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created_rows = m2m_history_model.objects.bulk_create(insert_rows)
            post_create_historical_m2m_records.send(
                sender=m2m_history_model,
                created_rows=created_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
