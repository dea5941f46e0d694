"""History helpers over django-simple-history: one record per edit, readable timelines, "as of" reads."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.db.models.signals import post_save

from coopreview.accounts.display import user_display_name
from coopreview.core.edits import UNCHANGED
from coopreview.core.exceptions import ConcurrentEditError
from coopreview.core.history_links import bulk_ready, current_links, write_links


def save_with_history(
    instance: models.Model,
    *,
    by: Any = None,
    reason: str = "",
    m2m: dict[str, Iterable[Any]] | None = None,
    links: dict[str, list[models.Model]] | None = None,
) -> models.Model:
    """Save `instance` and set its many-to-many fields, leaving exactly one historical record.

    simple-history writes a record per save and per m2m change; an edit of a form is one act
    for its readers, so intermediate records are suppressed and one is written at the end,
    with the m2m snapshot, the acting user and the reason. `links`: the current link rows of
    relations in `m2m`, already read in this transaction (core.edits.pending_changes), not read again.
    """
    created = instance.pk is None
    instance.__dict__.pop(UNCHANGED, None)  # saved now: no longer "an edit that wrote nothing"
    instance.skip_history_when_saving = True
    try:
        instance.save()
        m2m = m2m or {}
        # An edit compares with the links there are: all the relations' rows in one read.
        current = dict(links or {})
        if not created:
            unread = [n for n in m2m if n not in current and bulk_ready(instance, n)]
            current.update(current_links(instance, unread) if unread else {})
        for name, values in m2m.items():
            # in bulk; history copies the rows
            if write_links(instance, name, values, created=created, current=current.get(name)):
                continue
            if created:  # nothing to compare with: add() skips set()'s read of the current links
                values = list(values)
                if values:
                    getattr(instance, name).add(*values)
            else:
                getattr(instance, name).set(values)
    finally:
        del instance.skip_history_when_saving
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by
    instance._change_reason = reason
    post_save.send(
        sender=type(instance), instance=instance, created=created, raw=False, using=instance._state.db
    )
    return instance


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    when: datetime
    who: str
    kind: str  # "created", "changed", "deleted"
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    withheld: bool = False  # a version the reader could not open then: no values, no reason


def _display(model: type[models.Model], name: str, value: Any, lookups: dict[str, dict[Any, str]]) -> str:
    if value in (None, ""):
        return "—"
    f = model._meta.get_field(name)
    if f.many_to_many:
        target = f.remote_field.model._meta.model_name
        ids = sorted(row[target] for row in value) if value and isinstance(value[0], dict) else value
        return ", ".join(lookups.get(name, {}).get(i, str(i)) for i in ids) or "—"
    if f.is_relation:
        return lookups.get(name, {}).get(value, str(value))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("yes") if value else gettext("no")
    return str(value)


def _related_lookups(model: type[models.Model], records: list[Any], m2m_names: list[str]) -> dict[str, dict]:
    """Names of every related object mentioned in `records`, one query per relation."""
    lookups: dict[str, dict] = {}
    for f in model._meta.get_fields():
        if not getattr(f, "concrete", False) or not f.is_relation:
            continue
        ids: set[Any] = set()
        if f.many_to_many:
            if f.name not in m2m_names:
                continue
            target = f.remote_field.model._meta.model_name
            for r in records:
                ids.update(getattr(row, target + "_id") for row in getattr(r, f.name).all())
        else:
            ids.update(getattr(r, f.attname) for r in records if getattr(r, f.attname, None) is not None)
        if ids:
            related = f.remote_field.model._default_manager.filter(pk__in=ids)
            if f.remote_field.model is User:  # people by name and organisation, never by sign-in name
                related = related.prefetch_related("memberships__organisation")
                lookups[f.name] = {o.pk: user_display_name(o) for o in related}
            else:
                lookups[f.name] = {o.pk: str(o) for o in related}
    return lookups


def history_timeline(
    instance: models.Model,
    *,
    user: Any,
    exclude: Iterable[str] = ("updated_at", "created_at"),
) -> list[TimelineEntry]:
    """Newest first: who changed what (field by field, with readable old and new values), when and why.

    A version `user` could not open at its time (accounts.layers.may_read_version) is withheld: its entry
    says so, without its values or reason, and the next version's "before" values are withheld too.
    `user=None` is for the system itself (a save refused as stale, shown to the editor saving)."""
    from coopreview.accounts.layers import may_read_version

    model = type(instance)
    records = list(
        instance.history.select_related("history_user")
        .prefetch_related("history_user__memberships__organisation")
        .order_by("history_date", "history_id")
    )
    m2m_names = [f.name for f in getattr(instance.history.model, "_history_m2m_fields", [])]
    lookups = _related_lookups(model, records, m2m_names)
    excluded = set(exclude) | {"reference_sort"}
    entries: list[TimelineEntry] = []
    previous = None
    previous_open = True
    for record in records:
        readable = user is None or may_read_version(user, current=instance, version=record)
        who = user_display_name(record.history_user)
        kind = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
        entry = TimelineEntry(
            when=record.history_date, who=who, kind=kind, reason=record.history_change_reason or ""
        )
        if not readable:
            entry.reason, entry.withheld = "", True
        elif previous is not None:
            delta = record.diff_against(previous, excluded_fields=excluded)
            for change in delta.changes:
                entry.changes.append(
                    FieldChange(
                        label=str(model._meta.get_field(change.field).verbose_name),
                        old=_display(model, change.field, change.old, lookups)
                        if previous_open
                        else withheld(),
                        new=_display(model, change.field, change.new, lookups),
                    )
                )
            if kind == "changed" and not entry.changes:
                previous = record
                continue  # a save that changed nothing a reader cares about
        entries.append(entry)
        previous, previous_open = record, readable
    return entries[::-1]


def withheld() -> str:
    """What a reader sees in place of a value they could not open at its time."""
    from django.utils.translation import gettext

    return gettext("(withheld: not open to you at that time)")


def as_of(instance: models.Model, when: datetime) -> Any | None:
    """The historical state of `instance` at `when`, or None if it did not exist yet."""
    record = instance.history.filter(history_date__lte=when).order_by("-history_date", "-history_id").first()
    if record is None or record.history_type == "-":
        return None
    return record


def refuse_stale(current: models.Model, expected_updated_at: datetime | None) -> None:
    """Raise ConcurrentEditError, carrying what the editor has not seen, when `current` was saved again
    since the version they opened (`expected_updated_at`, read when the form was shown). None: no check."""
    if expected_updated_at is None or current.updated_at == expected_updated_at:
        return
    # The record of the version the editor opened (a history record is written just after its save,
    # so its time is a little later than updated_at): everything after it is what they have not seen.
    seen = (
        current.history.filter(updated_at__lte=expected_updated_at)
        .order_by("-history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    raise ConcurrentEditError(
        [e for e in history_timeline(current, user=None) if seen is None or e.when > seen]
    )
