"""Small tables that every write form checks its choices against (organisations, themes, priority
flags), kept per process so that a save does not read them again.

A copy is read again when a row of its table is saved or deleted anywhere (a version number in
Django's cache, shared between servers when CACHE_URL is set: the scheme of the organisation names
in accounts.selectors, whose version the organisations' copy shares), after a few minutes, or when it
is asked for an id it does not hold (a row created a moment ago on another server). Callers get
copies of the rows: the shared ones are never changed by a request. A form's options are read from
the database when they are first shown, then kept rendered with the copy (`derived`) until it is read
again: a filter bar's selects cost neither a query nor a rendering per request.
"""

import copy
import itertools
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models

T = TypeVar("T")

TTL = 300.0  # seconds: with a cache per process (no CACHE_URL), how long another server's change may lag


def bump(version_key: str) -> None:
    """Tell every process that the table behind `version_key` changed."""
    try:
        cache.incr(version_key)
    except ValueError:  # not set yet (or evicted)
        cache.set(version_key, 1, None)


_ALL: list["ReferenceRows"] = []
_GENERATIONS = itertools.count(1)  # each copy read gets a new number: values derived from it name it


def forget_all() -> None:
    """Drop every copy (tests: rows of a rolled-back test must not reach the next one)."""
    for rows in _ALL:
        rows.forget()


class ReferenceRows:
    """Every row of a small table by primary key, per process (see the module docstring)."""

    def __init__(self, rows: Callable[[], models.QuerySet], version_key: str) -> None:
        self._query = rows
        self.version_key = version_key
        self.forget()
        _ALL.append(self)

    def forget(self) -> None:
        # (when read, version seen, rows by pk, generation, values derived from these rows)
        self._copy: tuple[float, int, dict[Any, models.Model], int, dict] = (0.0, -1, {}, 0, {})

    def invalidate(self) -> None:
        bump(self.version_key)

    def _current(self, *, again: bool) -> tuple[float, int, dict[Any, models.Model], int, dict]:
        version = cache.get(self.version_key, 0)
        copied = self._copy
        stamp, seen = copied[0], copied[1]
        if again or seen != version or time.monotonic() - stamp > TTL:
            rows = {row.pk: row for row in self._query()}
            # one assignment: threads see the old copy or the new one, each with its own derived values
            copied = self._copy = (time.monotonic(), version, rows, next(_GENERATIONS), {})
        return copied

    def _rows(self, *, again: bool) -> dict[Any, models.Model]:
        return self._current(again=again)[2]

    def derived(self, key: Hashable, build: Callable[[], T], *also: "ReferenceRows") -> T:
        """`build()`, computed once and kept with the current copy of these rows (and of the tables
        `also`, whose rows it reads too) until one of them is read again: a value drawn from these
        tables alone, such as a select's rendered options. `key` names what is built (and in which
        language); the value is shared by every request of the process, so it must not depend on
        the reader."""
        derived = self._current(again=False)[4]
        full_key = (key, *(other._current(again=False)[3] for other in also))
        if full_key not in derived:
            derived[full_key] = build()
        return derived[full_key]

    def get(self, ids: Iterable[Any]) -> dict[Any, models.Model]:
        """Copies of the rows with these primary keys, those that exist (read again once when one is
        missing from the copy)."""
        ids = list(ids)
        rows = self._rows(again=False)
        if any(pk not in rows for pk in ids):
            rows = self._rows(again=True)
        return {pk: copy.copy(rows[pk]) for pk in ids if pk in rows}


class ReferenceMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose submitted choices are checked against `reference` (a
    ReferenceRows of the field's whole queryset) instead of a query. Cleans to a list of the chosen
    rows."""

    reference: ReferenceRows | None = None

    def _check_values(self, value):
        if self.reference is None:
            return super()._check_values(value)
        try:
            value = frozenset(value)
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        pks = []
        for raw in value:
            self.validate_no_null_characters(raw)
            try:
                pks.append(self.queryset.model._meta.pk.to_python(raw))
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": raw}
                ) from None
        found = self.reference.get(pks)
        for raw, pk in zip(value, pks, strict=True):
            if pk not in found:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": raw}
                )
        return list(found.values())
