from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coopreview.importers.parsers import FORMATS

FORMAT_CHOICES = [
    ("auto", _("Detect from the content")),
    ("pdf", _("Report PDF")),
    ("docx", _("Word table (DOCX)")),
    ("xlsx", _("Excel workbook (XLSX)")),
    ("csv", _("CSV")),
    ("json", _("JSON (as exported)")),
    ("annex-text", _("Text copied from a PDF annex table")),
]
assert {c for c, _label in FORMAT_CHOICES} == {"auto", *FORMATS}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    source = forms.CharField(
        label=_("Source (document symbol)"),
        max_length=100,
        required=False,
        help_text=_("e.g. ICC-ASP/19/16. Created if new. Leave empty when the file names its source."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    mark_flag = forms.CharField(
        label=_("Priority flag for “x” marks"),
        max_length=100,
        required=False,
        initial="Priority",
        help_text=_("The flag that an “x” in a priority column stands for."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("%(file)s: the file is larger than %(max)s MB.")
                % {"file": upload.name, "max": round(settings.UPLOAD_MAX_BYTES / 1048576, 1)}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("%(file)s: the file is empty.") % {"file": upload.name})
        return upload


class NameMappingForm(forms.Form):
    """Confirm that a name printed in a file means an organisation (a proposal, or any code)."""

    name = forms.CharField(label=_("Name as written"), max_length=200, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Organisation or State code"),
        max_length=20,
        help_text=_("e.g. KGZ, or ICC for the Court."),
    )


class ColourFlagForm(forms.Form):
    """Name the flag that rows shaded in one colour receive."""

    flag = forms.CharField(max_length=100, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Flag for these rows"), max_length=100)
