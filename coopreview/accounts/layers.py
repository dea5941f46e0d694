"""Who may open a record of each access layer: public; States Parties and Court (signed-in members);
restricted to named organisations. Editors open everything.

One rule, in the three forms the platform needs: a query condition (lists, counts, exports), a test on
one record (a past state from the history), and the tokens the search index stores with each entry.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Exists, Model, OuterRef, Q

from coopreview.accounts.enums import Visibility
from coopreview.accounts.selectors import AnyUser, user_is_editor, user_is_member, user_organisation_ids


@dataclass(frozen=True)
class Reach:
    """What `user` may open: everything (editors), or these layers plus records restricted to one of
    these organisations."""

    everything: bool
    layers: tuple[str, ...]
    organisations: frozenset[int]


def reach_of(user: AnyUser) -> Reach:
    if user_is_editor(user):
        return Reach(everything=True, layers=tuple(Visibility.values), organisations=frozenset())
    layers = (Visibility.PUBLIC, Visibility.MEMBERS) if user_is_member(user) else (Visibility.PUBLIC,)
    return Reach(
        everything=False, layers=tuple(str(v) for v in layers), organisations=user_organisation_ids(user)
    )


def layers_q(*, user: AnyUser, model: type[Model], prefix: str = "") -> Q | None:
    """The condition on `model` rows (a `visibility` field and a `restricted_to` organisations field)
    that `user` may open; `prefix` reaches them through a relation. None: no condition (editors)."""
    reach = reach_of(user)
    if reach.everything:
        return None
    condition = Q()
    for layer in reach.layers:  # equalities, not IN: the plans the list and count queries were tuned on
        condition |= Q(**{f"{prefix}visibility": layer})
    if reach.organisations:
        through = model._meta.get_field("restricted_to").remote_field.through
        owner = f"{model._meta.model_name}_id"
        named = Exists(
            through.objects.filter(
                **{owner: OuterRef(f"{prefix}pk"), "organisation_id__in": reach.organisations}
            )
        )
        condition |= Q(**{f"{prefix}visibility": Visibility.RESTRICTED}) & Q(named)
    return condition


def may_open(user: AnyUser, *, visibility: str, restricted_to: set[int] | frozenset[int]) -> bool:
    """The same rule for one record, e.g. a past state read from the history."""
    reach = reach_of(user)
    if reach.everything or visibility in reach.layers:
        return True
    return visibility == Visibility.RESTRICTED and bool(set(restricted_to) & reach.organisations)


# ---------------------------------------------------------------- readers of the past
#
# A past version of a record is shown to `user` only if `user` may open the record now AND could open it
# under that version's own layer: a record public today may have been restricted then (its old texts must
# not leak), and one restricted today must not be read through its public past. Every reader of the past
# (as-of pages, history timelines, change lists, reports, exports) asks `may_read_version` or, for many
# records at once, `PastLayers.open_at`.

Layer = tuple[str, frozenset[int]]


def layer_of(record: Any) -> Layer | None:
    """(visibility, organisations it is restricted to) of a record or of one of its historical versions;
    None for a model without access layers."""
    visibility = getattr(record, "visibility", None)
    if visibility is None:
        return None
    if visibility != Visibility.RESTRICTED:
        return str(visibility), frozenset()
    rows = record.restricted_to.all()  # organisations now; historical m2m rows (organisation_id) then
    return str(visibility), frozenset(getattr(row, "organisation_id", None) or row.pk for row in rows)


def _may_open_layer(user: AnyUser, layer: Layer | None) -> bool:
    return layer is None or may_open(user, visibility=layer[0], restricted_to=layer[1])


def may_read_version(user: AnyUser, *, current: Any, version: Any) -> bool:
    """The rule of that time AND of now: `user` may open `current` (the record today, None if it no longer
    exists) and could open `version` (a historical record) under its own layer."""
    if current is not None and not _may_open_layer(user, layer_of(current)):
        return False
    return version is None or _may_open_layer(user, layer_of(version))


@dataclass
class PastLayers:
    """The layers of many records of `model`, now and through their history up to a moment, read in four
    queries: `open_at(pk, when)` applies `may_read_version`'s rule without a query per record."""

    user: AnyUser
    now: dict[int, Layer]
    versions: dict[int, list[tuple[datetime, Layer | None]]]  # per pk, oldest first; None: deleted

    @classmethod
    def load(cls, *, user: AnyUser, model: type[Model], ids: Iterable[int], until: datetime) -> "PastLayers":
        ids = list(set(ids))
        history = model.history.model  # type: ignore[attr-defined]
        restricted_now: dict[int, set[int]] = {}
        through = model._meta.get_field("restricted_to").remote_field.through
        owner = f"{model._meta.model_name}_id"
        now: dict[int, Layer] = {}
        records: list[Any] = []
        restricted_then: dict[int, set[int]] = {}
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            for pk, org in through.objects.filter(**{f"{owner}__in": chunk}).values_list(
                owner, "organisation_id"
            ):
                restricted_now.setdefault(pk, set()).add(org)
            for pk, visibility in model._default_manager.filter(pk__in=chunk).values_list("pk", "visibility"):
                now[pk] = (visibility, frozenset(restricted_now.get(pk, ())))
            part = list(
                history.objects.filter(id__in=chunk, history_date__lte=until)
                .order_by("id", "history_date", "history_id")
                .values_list("id", "history_id", "history_date", "history_type", "visibility")
            )
            records += part
            m2m = apps.get_model(model._meta.app_label, f"{history.__name__}_restricted_to")
            restricted_ids = [r[1] for r in part if r[4] == Visibility.RESTRICTED]
            for step in range(0, len(restricted_ids), 2000):
                rows = m2m.objects.filter(history_id__in=restricted_ids[step : step + 2000])
                for history_id, org in rows.values_list("history_id", "organisation_id"):
                    restricted_then.setdefault(history_id, set()).add(org)
        versions: dict[int, list[tuple[datetime, Layer | None]]] = {}
        for pk, history_id, when, kind, visibility in records:
            layer = None if kind == "-" else (visibility, frozenset(restricted_then.get(history_id, ())))
            versions.setdefault(pk, []).append((when, layer))
        return cls(user=user, now=now, versions=versions)

    def open_at(self, pk: int, when: datetime) -> bool:
        """Whether the user may read record `pk` as it stood at `when` (False if it did not exist then)."""
        if pk not in self.now or not _may_open_layer(self.user, self.now[pk]):
            return False
        then: Layer | None = None
        for moment, layer in self.versions.get(pk, ()):
            if moment > when:
                break
            then = layer
        return then is not None and _may_open_layer(self.user, then)
