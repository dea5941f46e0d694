from django import template
from django.utils.translation import gettext as _

from coopreview.accounts.enums import Side
from coopreview.recommendations.models import in_flag_order

register = template.Library()


def _addressees(recommendation) -> list:
    """The list page's plain list (selectors.with_links) where there is one, else the (prefetched)
    relation."""
    found = getattr(recommendation, "addressee_list", None)
    return found if found is not None else list(recommendation.addressees.all())


@register.filter
def flags(recommendation) -> list:
    """The recommendation's flags in the order every renderer uses (in_flag_order)."""
    found = getattr(recommendation, "flag_list", None)
    return in_flag_order(found if found is not None else recommendation.priority_flags.all())


@register.filter
def flag_legend(recommendations) -> list:
    """The flags of these rows (recommendations, or the dashboard's rows with their "flags"), once each,
    in the same order: the legend under a list."""
    seen = {}
    for row in recommendations:
        for flag in row["flags"] if isinstance(row, dict) else flags(row):
            seen.setdefault(flag.pk, flag)
    return in_flag_order(seen.values())


@register.filter
def addressee_sides(recommendation) -> str:
    """ "Court", "Assembly", "Assembly & Court" — as the annexes print it."""
    sides = {a.side for a in _addressees(recommendation)}
    labels = []
    if Side.ASSEMBLY in sides:
        labels.append(_("Assembly"))
    if Side.COURT in sides:
        labels.append(_("Court"))
    if Side.STATE in sides:
        labels.append(_("State"))
    return " & ".join(labels) if labels else "—"


@register.filter
def organs(recommendation) -> str:
    """Named organs or bodies below the Court or the Assembly, when the record says which."""
    return ", ".join(a.display_name for a in _addressees(recommendation) if a.parent_id)


@register.filter
def row_flag_class(recommendation) -> str:
    shown = flags(recommendation)
    return f"flagged row-flag-{shown[0].pk}" if shown else ""
