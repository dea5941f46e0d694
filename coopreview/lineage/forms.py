from django import forms
from django.utils.translation import gettext_lazy as _

from coopreview.core.widgets import LongSelect
from coopreview.lineage.enums import LinkType
from coopreview.lineage.similarity import DEFAULT_METHOD, METHODS


class SuggestForm(forms.Form):
    # every source, twice: options joined in Python (LongSelect), not one template each (2 s at 632)
    source = forms.ModelChoiceField(
        queryset=None, label=_("Recommendations of"), required=False, widget=LongSelect
    )
    rec = forms.IntegerField(required=False, widget=forms.HiddenInput)
    target = forms.ModelChoiceField(
        queryset=None,
        label=_("Compared with"),
        required=False,
        empty_label=_("All other sources"),
        widget=LongSelect,
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=[(m, m) for m in METHODS], initial=DEFAULT_METHOD, required=False
    )
    widen = forms.BooleanField(label=_("Widen beyond the same addressee"), required=False)

    def __init__(self, *args, sources=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["target"].queryset = sources

    def clean(self):
        data = super().clean()
        if not data.get("source") and not data.get("rec"):
            raise forms.ValidationError(_("Choose a source (or open suggestions from a recommendation)."))
        return data


class ConfirmForm(forms.Form):
    from_id = forms.IntegerField(widget=forms.HiddenInput)
    to_id = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.FloatField(widget=forms.HiddenInput, required=False)
    # No type chosen in advance: the reviewer must decide what the pair is (required).
    link_type = forms.ChoiceField(
        label=_("Link type"), choices=[("", _("Choose a link type…")), *LinkType.choices]
    )
    reason = forms.CharField(label=_("Why"), required=False, max_length=2000)


class RejectForm(forms.Form):
    from_id = forms.IntegerField(widget=forms.HiddenInput)
    to_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why"), required=False, max_length=2000)


class LinkFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Link type"), required=False, choices=[("", _("All types")), *LinkType.choices]
    )
    source = forms.ModelChoiceField(
        queryset=None, label=_("Source"), required=False, empty_label=_("All sources"), widget=LongSelect
    )

    def __init__(self, *args, sources=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
