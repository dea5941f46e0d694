from django import template
from django.utils.translation import gettext as _

from coopreview.accounts.enums import Side

register = template.Library()


@register.filter
def addressee_sides(recommendation) -> str:
    """ "Court", "Assembly", "Assembly & Court" — as the annexes print it. Uses prefetched addressees."""
    sides = {a.side for a in recommendation.addressees.all()}
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
    return ", ".join(a.display_name for a in recommendation.addressees.all() if a.parent_id)


@register.filter
def row_flag_class(recommendation) -> str:
    flags = list(recommendation.priority_flags.all())
    return f"flagged row-flag-{flags[-1].pk}" if flags else ""
