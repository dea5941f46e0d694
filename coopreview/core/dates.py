"""Dates readers of the past accept: from 1900 on. Earlier dates cannot be turned into moments in every
time zone (0001-01-01 at midnight in Paris is before the first moment a datetime can hold)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

EARLIEST = date(1900, 1, 1)


def too_early_message(value: date) -> str:
    return _("The date %(date)s is too early: choose a date from %(earliest)s on.") % {
        "date": value.isoformat(),
        "earliest": EARLIEST.isoformat(),
    }


def validate_not_too_early(value: date | None) -> None:
    """A form field validator: 'as of', 'since', 'from' and 'to' dates."""
    if value is not None and value < EARLIEST:
        raise ValidationError(too_early_message(value), code="too_early")
