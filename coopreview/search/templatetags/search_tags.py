from urllib.parse import urlencode

from django import template
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
