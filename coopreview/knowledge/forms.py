from django import forms
from django.utils.translation import gettext_lazy as _

from coopreview.knowledge.models import StateProfile


class ProposalForm(forms.ModelForm):
    """A focal point's proposed values for one profile section (only changed fields are kept)."""

    legislation_link = forms.URLField(
        label=_("link to the legislation"), required=False, assume_scheme="https", max_length=200
    )
    reason = forms.CharField(
        label=_("Why this change?"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = StateProfile
        fields = StateProfile.EDITABLE
        widgets = {
            "legislation_date": forms.DateInput(attrs={"type": "date"}),
            "requirements": forms.Textarea(attrs={"rows": 4}),
            "requirements_fr": forms.Textarea(attrs={"rows": 4}),
            "contact_details": forms.Textarea(attrs={"rows": 3}),
            "agreements": forms.Textarea(attrs={"rows": 3}),
            "agreements_fr": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_unique(self) -> None:
        pass  # the proposal edits an existing section; its keys are not in the form

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in StateProfile.EDITABLE}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
