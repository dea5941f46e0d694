from django import template

from coopreview.followup.enums import Assessment, Status

register = template.Library()


@register.filter
def status_label(value: str | None) -> str:
    return str(Status(value).label) if value in Status.values else "—"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.filter
def assessment_label(value: str | None) -> str:
    return str(Assessment(value).label) if value in Assessment.values else "—"
