from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coopreview.api.enums import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. a script.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.READ)
    days = forms.IntegerField(
        label=_("Expires in (days)"), min_value=1, max_value=settings.API_TOKEN_MAX_DAYS, initial=90
    )
