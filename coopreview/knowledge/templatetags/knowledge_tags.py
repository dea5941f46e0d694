from django import template

register = template.Library()


@register.filter
def tr(entry, name: str) -> str:
    """The field `name` of a bilingual entry in the current language (falling back to the other)."""
    return entry.text(name)
