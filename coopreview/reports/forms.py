"""Report parameters, validated the same way for the web and the command line."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopreview.core.widgets import IsoDateInput
from coopreview.reports.enums import DEFAULT_COLUMNS, Column, ReportFormat, ReportName

LANGUAGES = [("en", "English"), ("fr", "Français")]


class ColumnsField(forms.CharField):
    """A comma-separated list of columns ("reference,text,flags"), or several ?columns= values."""

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            value = ",".join(value)
        names = [v.strip() for v in (value or "").split(",") if v.strip()]
        return names or [str(c) for c in DEFAULT_COLUMNS]

    def validate(self, value: list[str]) -> None:
        unknown = [v for v in value if v not in Column.values]
        if unknown:
            raise forms.ValidationError(
                _("Unknown column(s): %(unknown)s. Choose among: %(known)s."),
                params={"unknown": ", ".join(unknown), "known": ", ".join(Column.values)},
            )


class ReportParamsForm(forms.Form):
    report = forms.ChoiceField(label=_("Report"), choices=ReportName.choices)
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    lang = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, required=False)
    as_of = forms.DateField(label=_("As of"), required=False, input_formats=["%Y-%m-%d"], widget=IsoDateInput)
    since = forms.DateField(
        label=_("Changes since"), required=False, input_formats=["%Y-%m-%d"], widget=IsoDateInput
    )
    columns = ColumnsField(label=_("Columns"), required=False)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=50)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    sheet_per_cluster = forms.BooleanField(label=_("One sheet per cluster"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("report", "format", "lang"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "“%(value)s” is not a known %(name)s. Choose among: %(choices)s."
            )

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                _("“As of” is a date in the future (%(date)s): choose today or a past date."),
                params={"date": value.isoformat()},
            )
        return value

    def clean(self) -> dict:
        data = super().clean()
        as_of, since = data.get("as_of"), data.get("since")
        if as_of and since and since > as_of:
            raise forms.ValidationError(
                _("The dates are in the wrong order: “since” (%(since)s) is after “as of” (%(as_of)s)."),
                params={"since": since, "as_of": as_of},
            )
        if data.get("report") == ReportName.SHEET and not data.get("reference"):
            self.add_error("reference", _("The sheet needs the reference of a recommendation."))
        return data

    def errors_text(self) -> str:
        """Every error on one line each, naming the parameter: for the CLI and 400 responses."""
        lines = []
        for name, errors in self.errors.items():
            for error in errors.as_data():
                if error.code == "invalid_choice":
                    field = self.fields[name]
                    message = str(field.error_messages["invalid_choice"]) % {
                        "value": self.data.get(name),
                        "name": field.label,
                        "choices": ", ".join(str(k) for k, _v in field.choices if k),
                    }
                else:
                    message = error.message % error.params if error.params else error.message
                lines.append(f"{name}: {message}" if name != "__all__" else str(message))
        return "\n".join(lines)
