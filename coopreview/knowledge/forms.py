import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import AnyUser
from coopreview.core.widgets import IsoDateInput
from coopreview.knowledge import conf, selectors
from coopreview.knowledge.enums import Visibility
from coopreview.knowledge.models import CaseLaw, Practice, StateProfile
from coopreview.recommendations.models import Recommendation

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
            "legislation_date": IsoDateInput(),
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


# --- Editors' forms: practices, case law, attachments ---------------------------------------------

# A practice links a handful of recommendations; the cap keeps one form from linking a whole registry.
MAX_LINKED = 200
# "123", "#123" or a pasted address ending in /recommendations/123/ (at most 18 digits: a database integer)
NUMBER = re.compile(r"#?(\d{1,18})|\S*/recommendations/(\d{1,18})/?", re.ASCII)


class RecommendationIdsField(forms.CharField):
    """Recommendation numbers typed as "12, 40 51": a select of every recommendation would list a million.
    Cleans to the list of ids, refusing anything that is not the number of a recommendation the editor
    may open."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Linked recommendations"))
        kwargs.setdefault(
            "help_text",
            _(
                "Numbers of the recommendations, separated by commas or spaces: the number is the one in "
                "a recommendation's address, e.g. 123 for /recommendations/123/ (pasting the address works "
                "too). Leave empty to link none."
            ),
        )
        super().__init__(required=False, max_length=4000, **kwargs)
        self.visible: QuerySet[Recommendation] = Recommendation.objects.none()

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(pk) for pk in value)
        return value

    def clean(self, value) -> list[int]:
        text = super().clean(value)
        tokens = [t for t in re.split(r"[\s,;]+", text) if t]
        numbers = [NUMBER.fullmatch(t) for t in tokens]
        malformed = [t for t, m in zip(tokens, numbers, strict=True) if m is None]
        if malformed:
            raise ValidationError(
                _("Not a recommendation number: %(tokens)s.") % {"tokens": ", ".join(malformed[:10])}
            )
        ids = list(dict.fromkeys(int(m.group(1) or m.group(2)) for m in numbers if m))
        if len(ids) > MAX_LINKED:
            raise ValidationError(_("Link at most %(n)s recommendations.") % {"n": MAX_LINKED})
        found = set(self.visible.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise ValidationError(
                _("No recommendation has the number %(ids)s.") % {"ids": ", ".join(missing[:10])}
            )
        return ids


class EntryForm(forms.ModelForm):
    """What the practice and decision forms share: the linked recommendations, the reason kept in the
    history, and the version that stops one editor silently overwriting another's save."""

    recommendation_ids = RecommendationIdsField()
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=100,  # the history's reason column holds 100 characters
        help_text=_("Kept in the history with your name and the time."),
    )
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: AnyUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommendation_ids"].visible = selectors.recommendations_linkable(user=user)
        self.fields["restricted_to"].queryset = Organisation.objects.order_by("kind", "name")
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = Organisation.objects.order_by("kind", "name")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at
            self.fields["recommendation_ids"].initial = sorted(
                self.instance.recommendations.values_list("pk", flat=True)
            )

    # (legend, field names): the page groups the fields; `reason` comes last, on its own.
    SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def sections(self) -> list[tuple[str, list]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("visibility") == Visibility.RESTRICTED and not data.get("restricted_to"):
            self.add_error("restricted_to", _("Name at least one organisation for a restricted entry."))
        return data

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["recommendations"] = self.cleaned_data["recommendation_ids"]
        return data


_RESTRICTED_TO_HELP = _(
    "Only for “Restricted to named organisations”. Hold Ctrl (⌘ on a Mac) to choose several."
)


class PracticeForm(EntryForm):
    SECTIONS = (
        (_("Text in English and French"), ("title", "title_fr", "summary", "summary_fr", "body", "body_fr")),
        (_("Classification"), ("tags", "organisation", "measure", "recommendation_ids")),
        (_("Access"), ("visibility", "restricted_to")),
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "title_fr",
            "summary",
            "summary_fr",
            "body",
            "body_fr",
            "tags",
            "organisation",
            "measure",
            "visibility",
            "restricted_to",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_fr": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 10}),
            "body_fr": forms.Textarea(attrs={"rows": 10}),
            "restricted_to": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "body": _(
                "HTML: paragraphs, headings, lists, links and tables are kept; scripts, styles and other "
                "markup are removed when saved."
            ),
            "restricted_to": _RESTRICTED_TO_HELP,
        }


class CaseLawForm(EntryForm):
    link = forms.URLField(label=_("link"), required=False, assume_scheme="https", max_length=200)

    SECTIONS = (
        (
            _("Decision"),
            ("title", "title_fr", "situation", "case", "chamber", "date", "document_number", "link"),
        ),
        (
            _("Summary in English and French"),
            ("summary", "summary_fr", "topics", "measure", "recommendation_ids"),
        ),
        (_("Access"), ("visibility", "restricted_to")),
    )

    class Meta:
        model = CaseLaw
        fields = [
            "title",
            "title_fr",
            "situation",
            "case",
            "chamber",
            "date",
            "document_number",
            "summary",
            "summary_fr",
            "link",
            "topics",
            "measure",
            "visibility",
            "restricted_to",
        ]
        widgets = {
            "date": IsoDateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "summary_fr": forms.Textarea(attrs={"rows": 5}),
            "restricted_to": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {"restricted_to": _RESTRICTED_TO_HELP}


class AttachmentForm(forms.Form):
    """A PDF or DOCX for a practice. It takes the practice's access: it is never shown more widely."""

    title = forms.CharField(label=_("Title"), max_length=300)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=300, required=False)
    language = forms.ChoiceField(label=_("Language of the document"), choices=settings.LANGUAGES)
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ".pdf,.docx,application/pdf," + DOCX_MIME}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "attachment")  # its ids must not clash with the edit form's
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF or Word (.docx), up to %(limit)s.") % {
            "limit": filesizeformat(conf.upload_max_bytes())
        }


class DocumentDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the deletion"),
        required=False,
        max_length=100,
        help_text=_("Kept in the history with your name and the time."),
    )
