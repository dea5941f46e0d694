from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
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


# Any id: the detail address is built once per table and this number replaced by each row's id.
_ANY_ID = 987654321


@register.simple_tag
def recommendation_rows(rows, bulk: bool = False, group: bool = False) -> SafeString:
    """The list page's table rows (<tr> elements), joined in Python.

    The same markup as a template loop, but a Django template costs ~150 µs a row here (a dozen
    variables, four filters and the flag bar's include): half the list page's time at 50 rows. Every
    value is escaped below; the translated words are asked once per table, not once per row.
    """
    detail = reverse("recommendations:detail", args=[_ANY_ID])
    words = {
        "recommendation": escape(_("Recommendation")),
        "addressee": escape(_("Addressee")),
        "priority": escape(_("Priority")),
        "untranslated": escape(_("(not translated)")),
        "select": _("Select %(ref)s"),
    }
    return mark_safe("".join(_row(rec, detail, words, bulk=bulk, group=group) for rec in rows))  # noqa: S308


def _row(rec, detail: str, words: dict[str, str], *, bulk: bool, group: bool) -> str:
    shown = flags(rec)
    pk = int(rec.pk)
    reference = escape(str(rec.reference))
    row_class = f"flagged row-flag-{shown[0].pk}" if shown else ""
    cells = [f'<tr class="{row_class}">']
    if bulk:
        label = escape(words["select"] % {"ref": rec.reference})
        cells.append(
            f'<td class="select"><input type="checkbox" name="ids" value="{pk}" form="bulk-form" '
            f'id="select-{pk}" aria-label="{label}"></td>'
        )
    names = [(int(f.pk), escape(f.display_name), escape(str(f.owner_name))) for f in shown]
    bar = ""
    if names:
        described = ", ".join(f"{name} ({owner})" for _pk, name, owner in names)
        swatches = "".join(f'<span class="flag-{fpk}"></span>' for fpk, _name, _owner in names)
        bar = f'<span class="flag-bar" role="img" aria-label="{described}">{swatches}</span>'
    url = detail.replace(str(_ANY_ID), str(pk))
    cells.append(f'<th scope="row"><a href="{url}">{reference}</a>{bar}</th>')
    text = escape(Truncator(rec.display_text).words(60, truncate=" …"))
    if rec.translation_missing:
        text += f' <span class="marker">{words["untranslated"]}</span>'
    if not group and rec.section_id:
        text += f'<div class="muted small">{escape(str(rec.section))}</div>'
    cells.append(f'<td data-label="{words["recommendation"]}">{text}</td>')
    addressed = escape(addressee_sides(rec))
    named = organs(rec)
    if named:
        addressed += f'<div class="muted small">{escape(named)}</div>'
    cells.append(f'<td data-label="{words["addressee"]}">{addressed}</td>')
    marks = "".join(
        f'<span class="flag flag-{fpk}">{name} <span class="muted small">({owner})</span></span> '
        for fpk, name, owner in names
    )
    cells.append(f'<td data-label="{words["priority"]}">{marks}</td></tr>\n')
    return "".join(cells)
