"""Who may open a record of each access layer: public; States Parties and Court (signed-in members);
restricted to named organisations. Editors open everything.

One rule, in the three forms the platform needs: a query condition (lists, counts, exports), a test on
one record (a past state from the history), and the tokens the search index stores with each entry.
"""

from dataclasses import dataclass

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
