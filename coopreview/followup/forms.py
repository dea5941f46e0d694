"""Forms of the follow-up: they validate input, the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopreview.accounts.enums import Side
from coopreview.accounts.models import Organisation
from coopreview.core.dates import validate_not_too_early
from coopreview.core.widgets import IsoDateInput, LongSelect
from coopreview.followup.enums import ALLOWED_TRANSITIONS, AttachmentKind, Category, Status
from coopreview.followup.models import Action, FollowupPart
from coopreview.recommendations.forms import RecommendationFilterForm
from coopreview.recommendations.models import PriorityFlag, Recommendation


def _organisations():
    return Organisation.objects.exclude(kind="other").select_related("parent").order_by("kind", "name")


class VersionedForm(forms.Form):
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)


class CategorisationForm(VersionedForm):
    category = forms.ChoiceField(label=_("Proposed categorisation"), choices=Category.choices)
    rationale = forms.CharField(
        label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApprovalForm(VersionedForm):
    approved_by = forms.CharField(label=_("Approved by"), max_length=200, initial=_("Bureau of the Assembly"))
    approved_on = forms.DateField(label=_("Approved on"), widget=IsoDateInput())
    approved_in = forms.CharField(label=_("Meeting or decision"), max_length=300, required=False)
    approval_link = forms.URLField(label=_("Link to the decision"), required=False, assume_scheme="https")

    def clean_approved_on(self):
        value = self.cleaned_data["approved_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class StakeholderViewForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("On behalf of"), queryset=Organisation.objects.none())
    category = forms.ChoiceField(
        label=_("Categorisation in this view"),
        choices=[("", _("No categorisation")), *Category.choices],
        required=False,
    )
    position = forms.CharField(label=_("Position"), max_length=300)
    rationale = forms.CharField(
        label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    priority_flag = forms.ModelChoiceField(
        label=_("Own priority flag"), queryset=PriorityFlag.objects.all(), required=False
    )

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class PartForm(VersionedForm):
    assessment = forms.ChoiceField(
        label=_("Assessment"),
        choices=[("", "—"), *FollowupPart._meta.get_field("assessment").choices],
        required=False,
    )
    budgetary = forms.ChoiceField(
        label=_("Budgetary implications"), choices=FollowupPart._meta.get_field("budgetary").choices
    )
    narrative = forms.CharField(
        label=_("Narrative"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=Organisation.objects.none(), required=False)
    confidential = forms.BooleanField(
        label=_("Confidential to the lead organ"),
        required=False,
        help_text=_("Other organs of the Court do not see this part at all."),
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    def __init__(self, *args, part: FollowupPart, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if part.side != Side.COURT:  # only the Court's organs keep a part from one another
            del self.fields["confidential"]
        # the lead is chosen within the part's own side: the Court picks its organs, the Assembly its bodies
        self.fields["lead"].queryset = Organisation.objects.filter(
            kind__in=[k for k, side in _SIDE_KINDS.items() if side == part.side]
        ).order_by("kind", "name")
        if not self.is_bound:
            self.initial = {
                "assessment": part.assessment,
                "budgetary": part.budgetary,
                "narrative": part.narrative,
                "lead": part.lead_id,
                "confidential": part.confidential,
                "version": part.updated_at,
            }


class TransitionForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)

    def __init__(self, *args, part: FollowupPart, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_TRANSITIONS.get(part.status, ())
        if not self.is_bound:  # offer the allowed moves; the service still checks whatever is posted
            self.fields["status"].choices = [(s, Status(s).label) for s in allowed]
            self.initial["version"] = part.updated_at


class ActionForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead = forms.ModelChoiceField(label=_("Lead"), queryset=Organisation.objects.none())
    recommendations = forms.ModelMultipleChoiceField(
        label=_("Recommendations"),
        queryset=Recommendation.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    start = forms.DateField(label=_("Start"), required=False, widget=IsoDateInput())
    due = forms.DateField(label=_("Due"), required=False, widget=IsoDateInput())
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)

    def __init__(self, *args, leads, recommendations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads
        self.fields["recommendations"].queryset = recommendations

    def clean(self):
        data = super().clean()
        start, due = data.get("start"), data.get("due")
        if start and due and due < start:
            self.add_error("due", _("The due date is before the start date."))
        return data

    @staticmethod
    def initial_for(action: Action) -> dict:
        return {
            "title": action.title,
            "description": action.description,
            "lead": action.lead_id,
            "recommendations": [r.pk for r in action.recommendations.all()],
            "start": action.start,
            "due": action.due,
            "progress": action.progress,
            "version": action.updated_at,
        }


class ProgressUpdateForm(forms.Form):
    text = forms.CharField(label=_("Progress made"), widget=forms.Textarea(attrs={"rows": 3}))
    progress = forms.IntegerField(label=_("Progress reached (%)"), min_value=0, max_value=100, required=False)
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, Word, Excel, OpenDocument, text or image; 10 MB at most."),
    )
    kind = forms.ChoiceField(
        label=_("Type of attachment"), choices=AttachmentKind.choices, initial=AttachmentKind.REPORT
    )


class FollowupFilterForm(RecommendationFilterForm):
    """The recommendation list's filters, plus the follow-up's own: status, disagreement, "as of"."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices])
    disagree = forms.BooleanField(label=_("Where stakeholders disagree"), required=False)
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=IsoDateInput(), validators=[validate_not_too_early]
    )

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a past date."))
        return value


class AsOfForm(forms.Form):
    """A past date to show the follow-up as it stood then; empty means today (the live panel)."""

    as_of = forms.DateField(
        label=_("As of"), required=False, widget=IsoDateInput(), validators=[validate_not_too_early]
    )

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a past date."))
        return value


class ChangesForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=IsoDateInput(), validators=[validate_not_too_early])
    end = forms.DateField(label=_("To"), widget=IsoDateInput(), validators=[validate_not_too_early])

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


_SIDE_KINDS = {
    "court": "court",
    "court_organ": "court",
    "assembly": "assembly",
    "assembly_body": "assembly",
    "state": "state",
}


class BulkChangeForm(forms.Form):
    """One change for the selected recommendations. `change` is "action:value" from a grouped list, so a
    single control works without JavaScript; the services decide what each record accepts."""

    # Hundreds of options (every lead, theme and flag, twice): rendered in Python, not one template each.
    change = forms.ChoiceField(label=_("Change"), widget=LongSelect)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, help_text=_("Kept in each recommendation's history.")
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        from coopreview.followup.bulk import ACTIONS
        from coopreview.followup.selectors import leads_for
        from coopreview.recommendations.models import Theme

        super().__init__(*args, **kwargs)
        flags = [(f.pk, f.display_name) for f in PriorityFlag.objects.all()]
        themes = [(t.pk, t.display_name) for t in Theme.objects.all()]
        values: dict[str, list] = {
            "status": list(Status.choices),
            "lead": [(o.pk, str(o)) for o in leads_for(user=user).select_related("parent")],
            "add_flag": flags,
            "remove_flag": flags,
            "add_theme": themes,
            "remove_theme": themes,
            "categorise": list(Category.choices) if user.has_perm("followup.categorise") else [],
        }
        self.fields["change"].choices = [("", _("Choose a change…"))] + [
            (ACTIONS[action], [(f"{action}:{v}", f"{ACTIONS[action]}: {label}") for v, label in options])
            for action, options in values.items()
            if options
        ]

    def action_and_value(self) -> tuple[str, str]:
        action, _sep, raw = self.cleaned_data["change"].partition(":")
        return action, raw
