from django import forms
from django.utils.translation import gettext_lazy as _

from coopreview.audit.enums import AuditAction
from coopreview.audit.selectors import AuditFilters
from coopreview.core.dates import validate_not_too_early
from coopreview.core.widgets import IsoDateInput


class AuditFilterForm(forms.Form):
    who = forms.CharField(label=_("Who"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=IsoDateInput(), validators=[validate_not_too_early]
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=IsoDateInput(), validators=[validate_not_too_early]
    )
    obj = forms.CharField(label=_("Object"), required=False, max_length=200)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def to_filters(self) -> AuditFilters:
        return AuditFilters(**self.cleaned_data)
