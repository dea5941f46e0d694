from urllib.parse import urlencode

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()

FACET_LABELS = {
    "kind": _("Type"),
    "state": _("State"),
    "measure": _("Type of measure"),
    "topic": _("Topic"),
    "language": _("Language"),
    "year": _("Year"),
}


@register.simple_tag
def facet_label(name: str) -> str:
    return str(FACET_LABELS.get(name, name))


@register.simple_tag(takes_context=True)
def search_url(context, **changes) -> str:
    """The current search with `changes` applied: toggle=<facet>:<value> adds or removes one value."""
    request = context["request"]
    params = {k: request.GET.getlist(k) for k in request.GET if k not in ("page",)}
    toggle = changes.pop("toggle", None)
    if toggle:
        name, value = toggle.split(":", 1)
        values = params.get(name, [])
        params[name] = [v for v in values if v != value] if value in values else [*values, value]
    for key, value in changes.items():
        params[key] = [str(value)]
    return "?" + urlencode([(k, v) for k, vs in params.items() for v in vs])


SELECTED = ' aria-current="true" class="selected"'


@register.simple_tag
def facet_links(values) -> str:
    """The <li> items of one facet: (FacetValue, url) pairs. Built in Python because a page holds up
    to 180 of them and the template engine spent more time on them than the search itself took."""
    return format_html_join(
        "\n",
        '<li><a href="{}" hx-get="{}" hx-target="#search-results" hx-push-url="true"{}>{}</a> '
        '<span class="count">{}</span></li>',
        (
            (
                url,
                url,
                mark_safe(SELECTED) if v.selected else "",  # noqa: S308 — a constant
                v.label,
                v.count,
            )
            for v, url in values
        ),
    )
