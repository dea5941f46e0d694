from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.assistance.enums import Direction, Kind, Language, Status
from coopreview.assistance.models import Obstacle, RequestTemplate
from coopreview.core.widgets import IsoDateInput


class DraftForm(forms.Form):
    requesting_organ = forms.ModelChoiceField(
        label=_("Requesting organ"), queryset=Organisation.objects.none()
    )
    requested_state = forms.ModelChoiceField(
        label=_("Requested State"), queryset=Organisation.objects.filter(kind=OrganisationKind.STATE)
    )
    kind = forms.ChoiceField(label=_("Kind of assistance"), choices=Kind.choices)
    language = forms.ChoiceField(label=_("Language of the request"), choices=Language.choices)
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=RequestTemplate.objects.filter(is_active=True),
        required=False,
        help_text=_("Leave empty to use the first template of this kind and language."),
    )
    title = forms.CharField(label=_("Subject"), max_length=300)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=IsoDateInput())

    def __init__(self, *args, organs, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requesting_organ"].queryset = organs
        self.fields["requested_state"].queryset = self.fields["requested_state"].queryset.order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        template = data.get("template")
        if template and (template.kind != data.get("kind") or template.language != data.get("language")):
            self.add_error(
                "template", _("This template is for another kind of assistance or another language.")
            )
        return data


class DraftEditForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Text of the request"), widget=forms.Textarea(attrs={"rows": 16}), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=IsoDateInput())


class ChecklistForm(forms.Form):
    done = forms.TypedMultipleChoiceField(
        label=_("Done"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, items: list[dict], **kwargs) -> None:
        kwargs.setdefault("auto_id", "checklist_%s")
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = [(i, entry["item"]) for i, entry in enumerate(items)]
        self.fields["done"].initial = [i for i, entry in enumerate(items) if entry.get("done")]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Date"), widget=IsoDateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    obstacles = forms.ModelMultipleChoiceField(
        label=_("Obstacles met (when closing)"),
        queryset=Obstacle.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, statuses: list[str], **kwargs) -> None:
        kwargs.setdefault("auto_id", "status_%s")  # the page holds other forms with a date `on`
        super().__init__(*args, **kwargs)
        # No move chosen in advance: the first allowed move may be withdrawing the request.
        self.fields["status"].choices = [("", "---------")] + [(s, Status(s).label) for s in statuses]


class CorrespondenceForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    on = forms.DateField(label=_("Date"), widget=IsoDateInput(), initial=timezone.localdate)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("File (PDF, DOCX, ODT or text)"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "corr_%s")  # ids unique beside the status form
        super().__init__(*args, **kwargs)


class ShareForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Share with"),
        queryset=Organisation.objects.exclude(kind=OrganisationKind.STATE).order_by("kind", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their members may read the request. The requested State always may, once it is sent."),
    )


class TemplateForm(forms.ModelForm):
    class Meta:
        model = RequestTemplate
        fields = ["kind", "language", "title", "body", "checklist", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16}), "checklist": forms.Textarea(attrs={"rows": 6})}
