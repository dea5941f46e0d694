from django import template
from django.http import QueryDict

from coopreview.accounts.display import user_display_name

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with `changes` applied (None removes a key): keeps filters in links."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def display_name(user) -> str:
    """A person as others see them: name and organisation, never the sign-in name."""
    return user_display_name(user)
