from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def css_string(value: object) -> str:
    """A CSS string literal (for `content:` in @page boxes), safe inside <style>: no quote or tag escapes."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    text = text.replace("<", "\\3C ").replace(">", "\\3E ")
    return mark_safe(f'"{text}"')  # noqa: S308 — every character that could end the string or tag is escaped


@register.filter
def cell(row, column: str) -> str:
    return row.cell(column)
