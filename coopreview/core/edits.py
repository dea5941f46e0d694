"""An edit that changes nothing writes nothing.

Readers take the history as the record of who changed what, "last updated" as the time of the last
change, and the search index, webhooks and notifications follow writes: a form posted back with its
own values must leave all of them as they were. An edit service compares what it was given with the
row it has just read (and locked) and the links it would read anyway before writing them, so the
comparison adds no query to a real change:

    pending = pending_changes(current, fields, m2m)
    if not pending:
        return unchanged(current)             # no save, no history, no event
    refuse_stale(current, expected_updated_at)  # a stale form that changes nothing is not a conflict
    ...
    save_with_history(instance, ..., m2m=m2m, links=pending.links)

Views tell the user with report_saved(request, obj, "Changes saved.") ("No changes to save." instead
when nothing was written) and redirect as after any save.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _

from coopreview.core.history_links import bulk_ready, current_links, row_targets

UNCHANGED = "_saved_nothing"  # instance attribute set by unchanged(), removed by save_with_history

M = TypeVar("M", bound=models.Model)


@dataclass
class Pending:
    """What an edit would change: the differing fields and relations, and the relations' current link
    rows as read for the comparison (save_with_history writes the links from them, reading no more)."""

    fields: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    links: dict[str, list[models.Model]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields or self.relations)


def _pk(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _differs(f: models.Field, old: Any, new: Any) -> bool:
    if f.is_relation:  # a foreign key: an object or an id, compared by id
        return old != _pk(new)
    try:
        new = f.to_python(new)  # "2026-01-02" for a date, "3" for an integer (the API's values)
    except ValidationError:
        return True  # not a value of the field: full_clean says why
    return old != new


def pending_changes(
    current: models.Model,
    fields: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
) -> Pending:
    """Compare `fields` (name → new value) and `m2m` (name → the objects or ids to link: lists or
    querysets, read here and again by the save) with `current`, the row as stored, read in the edit's
    transaction. One query for the links of the relations save_with_history writes in bulk, the one it
    would make anyway; a relation it writes with set() is read here only when nothing else differs."""
    pending = Pending()
    for name, value in fields.items():
        try:
            f = current._meta.get_field(name)
        except FieldDoesNotExist:  # a property the service sets: compared as it reads
            differs = getattr(current, name, None) != value
        else:
            differs = _differs(f, getattr(current, f.attname), value)
        if differs:
            pending.fields.append(name)
    m2m = m2m or {}
    bulk = [name for name in m2m if bulk_ready(current, name)]
    pending.links = current_links(current, bulk) if bulk else {}
    for name, values in m2m.items():
        wanted = {_pk(v) for v in values}
        if name in pending.links:
            have = set(row_targets(current, name, pending.links[name]))
        elif pending:
            continue  # saved anyway: set() compares for itself
        else:
            have = set(getattr(current, name).values_list("pk", flat=True))
        if wanted != have:
            pending.relations.append(name)
    return pending


def unchanged(instance: M) -> M:
    """`instance`, marked as the result of an edit that wrote nothing (see saved_nothing)."""
    instance.__dict__[UNCHANGED] = True
    return instance


def saved_nothing(instance: Any) -> bool:
    """Whether the edit service that returned `instance` found nothing to change and wrote nothing."""
    return bool(getattr(instance, "__dict__", {}).get(UNCHANGED))


def no_changes_message() -> str:
    return _("No changes to save.")


def saved_message(instance: Any, message: str) -> str:
    """`message` (e.g. "Changes saved.") after a save, "No changes to save." after one that wrote nothing."""
    return no_changes_message() if saved_nothing(instance) else message


def report_saved(request: HttpRequest, instance: Any, message: str) -> None:
    """Tell the user after an edit: `message` when it saved, "No changes to save." when it wrote nothing."""
    if saved_nothing(instance):
        messages.info(request, no_changes_message())
    else:
        messages.success(request, message)
