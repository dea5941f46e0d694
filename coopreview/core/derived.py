"""Figures derived from recommendations and stored in tables of their own (the dashboard's tallies),
refreshed in the transaction of every write of a recommendation, so a page reads a few stored rows
instead of passing over every record.

An app registers a refresher (`register`): `changed(ids)` recomputes what it stores for these
recommendations from their rows as they are now; `deleting(ids)` removes their contribution while the
rows still exist (called before the delete, in its transaction). The writes that call them:
- every save of a recommendation through the services or the admin (post_save, and m2m_changed for the
  links a derived figure reads), once per record per write when the service coalesces
  (core.coalesce), after the history row of the save is written;
- an import's bulk write, which sends no signals (`recommendations_changed(ids)` in its transaction);
- deletion (pre_delete).
Anything that writes around these (a bulk load, a raw UPDATE) runs the app's rebuild command.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction

from coopreview.core.coalesce import defer


@dataclass(frozen=True)
class Refresher:
    name: str
    changed: Callable[[list[int]], None]
    deleting: Callable[[list[int]], None]


_refreshers: dict[str, Refresher] = {}


def register(
    *, name: str, changed: Callable[[list[int]], None], deleting: Callable[[list[int]], None]
) -> None:
    """Register (or replace, by name: AppConfig.ready may run twice in tests) a refresher."""
    _refreshers[name] = Refresher(name=name, changed=changed, deleting=deleting)


def recommendations_changed(ids: Iterable[int]) -> None:
    """These recommendations were created or changed: every refresher recomputes their rows now."""
    wanted = sorted(set(ids))
    if wanted:
        # in the caller's transaction (no savepoint: no query more per write); a save made outside one
        # (Recommendation.objects.create in a shell) gets its own, which the refreshers' row locks
        # (select_for_update, on PostgreSQL) need, and the figures move all together or not at all
        with transaction.atomic(savepoint=False):
            for refresher in _refreshers.values():
                refresher.changed(wanted)


def recommendations_deleting(ids: Iterable[int]) -> None:
    wanted = sorted(set(ids))
    if wanted:
        with transaction.atomic(savepoint=False):  # as recommendations_changed
            for refresher in _refreshers.values():
                refresher.deleting(wanted)


# --- signal receivers (connected in recommendations.apps) -----------------------------------------


def _changed_once(pk: int) -> None:
    if not defer(("derived", pk), lambda: recommendations_changed([pk])):
        recommendations_changed([pk])


def on_recommendation_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _changed_once(instance.pk)


def on_recommendation_links_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _changed_once(instance.pk)
    else:  # written from the other side (organisation.restricted_recommendations.add(...))
        for pk in pk_set or ():
            _changed_once(pk)


def on_recommendation_deleting(sender, instance, **kwargs) -> None:
    recommendations_deleting([instance.pk])
