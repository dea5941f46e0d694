from django import template
from django.template.context import Context

from coopreview.inbox.selectors import unread_count

register = template.Library()


@register.inclusion_tag("inbox/_header_links.html", takes_context=True)
def inbox_links(context: Context) -> dict:
    """The header's "My work" link and notification bell with its unread count (one COUNT query)."""
    user = context["request"].user
    return {"user": user, "unread": unread_count(user=user)}
