"""Many-to-many links written in bulk, and their history rows written from what was written.

django-simple-history's m2m history reads each relation's link rows back after the save, through an
instance rebuilt from the history row (whose excluded fields are then re-read: one more query per
relation). save_with_history knows the rows it wrote: it leaves them on the instance and
LinkHistoricalRecords copies them, so a write's cost is its inserts, not inserts plus reads back.
"""

from collections.abc import Iterable
from typing import Any

from django.db import connections, models
from django.db.models.signals import m2m_changed
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_m2m_records, pre_create_historical_m2m_records
from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

KNOWN = "_history_m2m_rows"  # instance attribute: {field name: the relation's link rows, with their ids}


def _ids(values: Iterable[Any]) -> list[Any]:
    return list(dict.fromkeys(getattr(v, "pk", v) for v in values))


def write_links(instance: models.Model, name: str, values: Iterable[Any], *, created: bool) -> bool:
    """Make `instance`'s `name` links exactly `values` (one read on an edit, one insert, one delete at
    most), sending m2m_changed as add()/set() do. False (nothing done) when the relation has its own
    through model or the database cannot return inserted ids: the caller uses add()/set()."""
    field = instance._meta.get_field(name)
    through = field.remote_field.through
    db = instance._state.db or "default"
    if not through._meta.auto_created or not connections[db].features.can_return_rows_from_bulk_insert:
        return False
    source, target = get_m2m_field_name(field), get_m2m_reverse_field_name(field)
    source_att, target_att = f"{source}_id", f"{target}_id"
    wanted = _ids(values)
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
