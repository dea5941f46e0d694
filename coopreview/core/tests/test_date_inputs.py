"""Every date and time input renders ISO values in every language (issue 14, item 1).

A browser's `type=date` input drops a value it cannot read ("10/12/2026"): a French page then
posted the date back empty and saving a form unchanged erased its dates."""

import importlib
import inspect
import re
from datetime import date, datetime

import pytest
from django import forms
from django.apps import apps
from django.utils import translation

from coopreview.core.widgets import IsoDateInput, IsoDateTimeInput

DAY = date(2026, 12, 10)
MOMENT = datetime(2026, 12, 10, 9, 30)


def _date_fields() -> list[tuple[str, str]]:
    """(form, field) for every visible date or date-time field of every form of every app."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("coopreview."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            for field_name, field in cls.base_fields.items():
                if isinstance(field, forms.DateField | forms.DateTimeField) and not field.widget.is_hidden:
                    found.append((f"{module.__name__}.{name}", field_name))
    return found


DATE_FIELDS = _date_fields()


def test_every_known_date_form_is_covered():
    names = {f"{form.rsplit('.', 1)[1]}.{field}" for form, field in DATE_FIELDS}

    assert {
        "ActionForm.start",
        "ActionForm.due",
        "ApprovalForm.approved_on",
        "ChangesForm.start",
        "ChangesForm.end",
        "MeetingForm.start",
        "DecisionForm.due",
        "CaseLawForm.date",
        "ProposalForm.legislation_date",
    } <= names


@pytest.mark.parametrize(("form_path", "field_name"), DATE_FIELDS, ids=[f"{f}.{n}" for f, n in DATE_FIELDS])
def test_date_input_renders_iso_in_french_and_reads_it_back_unchanged(form_path, field_name):
    module_name, cls_name = form_path.rsplit(".", 1)
    field = getattr(importlib.import_module(module_name), cls_name).base_fields[field_name]
    is_datetime = isinstance(field, forms.DateTimeField)
    value = MOMENT if is_datetime else DAY

    with translation.override("fr"):
        html = field.widget.render(field_name, value)
        posted = re.search(r'value="([^"]*)"', html).group(1)
        cleaned = field.clean(posted)

    assert isinstance(field.widget, IsoDateTimeInput if is_datetime else IsoDateInput)
    assert posted == ("2026-12-10T09:30" if is_datetime else "2026-12-10")
    assert (cleaned.replace(tzinfo=None) if is_datetime else cleaned) == value
