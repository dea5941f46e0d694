from collections.abc import Iterator
from datetime import date, datetime, time
from functools import partial

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import ORGANISATIONS
from coopreview.core.dates import validate_not_too_early
from coopreview.core.reference import ReferenceMultipleChoiceField
from coopreview.core.widgets import FindableSelect, IsoDateInput, LongSelect
from coopreview.recommendations import selectors
from coopreview.recommendations.enums import SortOrder, Visibility
from coopreview.recommendations.models import (
    PriorityFlag,
    Recommendation,
    Section,
    Source,
    Theme,
    flag_label,
)

M2M_FIELDS = ("addressees", "recommended_by", "priority_flags", "themes", "restricted_to")

# Beyond this many sources a select is too long to render or scroll: the filter shows the newest
# FOUND_SOURCES and a box to find the others.
SOURCE_OPTIONS_LIMIT = 300


class FlagChoiceField(forms.ModelChoiceField):
    """A priority flag named with its owner: two organisations may have flags of similar names."""

    def label_from_instance(self, obj: PriorityFlag) -> str:
        return flag_label(obj)


FOUND_SOURCES = 50


class _SourceChoices(ModelChoiceIterator):
    """Options read as plain (pk, symbol, titles) rows: no model instance for each source. Only rendering
    uses this, and it lists `field.shown` when set; a submitted value is still checked against the
    field's whole queryset."""

    def __iter__(self) -> Iterator[tuple]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        french = get_language() == "fr"
        shown = self.queryset if self.field.shown is None else self.field.shown
        for pk, *names in shown.values_list("pk", "symbol", "title", "title_fr"):
            yield (pk, Source.label(*names, french=french))


class SourceChoiceField(forms.ModelChoiceField):
    iterator = _SourceChoices
    widget = FindableSelect

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shown: QuerySet[Source] | None = None

    def show_found(self, *, find: str, keep: object) -> None:
        """List only the sources matching `find` (and the chosen one), with the box to find others."""
        self.shown = selectors.sources_matching(self.queryset, find=find, keep=keep, limit=FOUND_SOURCES)
        widget = self.widget
        widget.finding, widget.find_name, widget.find_value = True, "source_q", find
        widget.find_url = reverse("recommendations:source-options")
        widget.find_label = _("Find a source")
        widget.find_help = _(
            "Type part of a symbol or title: the list shows up to %(n)s matching sources."
        ) % {"n": FOUND_SOURCES}


class RecommendationFilterForm(forms.Form):
    """The list's filters; all optional, all in the query string so a view can be bookmarked."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    # Every visible source and section is an option: thousands at scale, hence the lighter rendering
    # (LongSelect); the other selects use it too, a page renders ten of them.
    source = SourceChoiceField(label=_("Source"), queryset=Source.objects.none(), required=False)
    section = forms.ModelChoiceField(
        label=_("Cluster / section"), queryset=Section.objects.none(), required=False, widget=LongSelect
    )
    addressee = forms.ChoiceField(
        label=_("Addressee"),
        required=False,
        choices=[
            ("", _("Any")),
            ("court", _("Court")),
            ("assembly", _("Assembly")),
            ("both", _("Assembly & Court")),
            ("state", _("State")),
        ],
        widget=LongSelect,
    )
    organ = forms.ModelChoiceField(
        label=_("Organ or body"),
        required=False,
        queryset=Organisation.objects.filter(
            kind__in=[OrganisationKind.COURT_ORGAN, OrganisationKind.ASSEMBLY_BODY]
        ),
        widget=LongSelect,
    )
    flag = FlagChoiceField(
        label=_("Priority flag"),
        queryset=PriorityFlag.objects.select_related("owner"),
        required=False,
        widget=LongSelect,
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), required=False, widget=LongSelect
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        required=False,
        choices=[("", _("Any")), *Visibility.choices],
        widget=LongSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("", _("Default")), *SortOrder.choices],
        widget=LongSelect,
    )
    group = forms.BooleanField(label=_("Group by cluster"), required=False)

    def __init__(self, *args, sources, sections, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["section"].queryset = sections
        # The same for every reader: rendered once per language and kept until one of the tables is
        # saved (core.reference), instead of a query and hundreds of options on each request. Sources
        # and sections depend on what the reader may see: they are read for each request.
        language = get_language()
        kept = [
            ("organ", ORGANISATIONS, ()),
            ("flag", selectors.FLAGS, (ORGANISATIONS,)),  # labels name the owner
            ("theme", selectors.THEMES, ()),
        ]
        for name, reference, also in kept:
            widget = self.fields[name].widget
            widget.rendered_options = partial(
                reference.derived, ("list filter", name, language), widget.unselected_options, *also
            )
        if selectors.is_longer_than(sources, SOURCE_OPTIONS_LIMIT):
            self.fields["source"].show_found(find=self.source_find(), keep=self.data.get("source"))

    def source_find(self) -> str:
        """The text of the find box: only narrows the source options, never the results."""
        return str(self.data.get("source_q") or "").strip()[:200]

    def source_options_html(self) -> SafeString:
        return self.fields["source"].widget.options_html(self.data.get("source"))

    def to_filters(self) -> selectors.RecommendationFilters:
        data = self.cleaned_data
        return selectors.RecommendationFilters(
            q=data.get("q") or "",
            source=data.get("source"),
            section=data.get("section"),
            addressee=data.get("addressee") or "",
            organ=data.get("organ"),
            flag=data.get("flag"),
            theme=data.get("theme"),
            visibility=data.get("visibility") or "",
            sort=SortOrder.SECTION if data.get("group") else (data.get("sort") or ""),
        )


class AsOfForm(forms.Form):
    """A past day to show the record as it stood then; empty shows it as it is now."""

    as_of = forms.DateField(
        label=_("As of"), required=False, widget=IsoDateInput(), validators=[validate_not_too_early]
    )

    def clean_as_of(self) -> date | None:
        value = self.cleaned_data.get("as_of")
        if value and value > timezone.localdate():
            raise forms.ValidationError(
                _("“As of” is a date in the future (%(date)s): choose today or a past date."),
                params={"date": value.isoformat()},
            )
        return value

    def moment(self) -> datetime:
        """The end of the chosen day in the server's time zone: "as of 3 May" includes 3 May."""
        day = self.cleaned_data["as_of"]
        return timezone.make_aware(datetime.combine(day, time.max))


class RecommendationForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=200,
        help_text=_("Kept in the history with your name and the time."),
    )
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Recommendation
        fields = [
            "source",
            "reference",
            "text",
            "text_fr",
            "section",
            "addressees",
            "recommended_by",
            "response",
            "priority_flags",
            "themes",
            "visibility",
            "restricted_to",
            "page",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "text_fr": forms.Textarea(attrs={"rows": 6}),
            "addressees": forms.SelectMultiple(attrs={"size": 8}),
            "recommended_by": forms.SelectMultiple(attrs={"size": 6}),
            "restricted_to": forms.SelectMultiple(attrs={"size": 6}),
            "priority_flags": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
        }
        # The submitted choices are checked against per-process copies of these small tables
        # (core.reference): a save does not read them again.
        field_classes = dict.fromkeys(M2M_FIELDS, ReferenceMultipleChoiceField)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.select_related("source", "parent__parent")
        self.fields["addressees"].queryset = Organisation.objects.order_by("kind", "name")
        self.fields["recommended_by"].queryset = Organisation.objects.order_by("kind", "name")
        self.fields["restricted_to"].queryset = Organisation.objects.order_by("kind", "name")
        for name in M2M_FIELDS:
            field = self.fields[name]
            field.reference = selectors.REFERENCE[field.queryset.model]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at

    def clean(self) -> dict:
        data = super().clean()
        section, source = data.get("section"), data.get("source")
        if section and source and section.source_id != source.pk:
            self.add_error("section", _("This section belongs to another source."))
        if data.get("visibility") == Visibility.RESTRICTED and not data.get("restricted_to"):
            self.add_error(
                "restricted_to", _("Name at least one organisation for a restricted recommendation.")
            )
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SourceForm(forms.ModelForm):
    """An editor's corrections to a source (a missing date or link found after an import)."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=200,
        help_text=_("Kept in the history with your name and the time."),
    )
    version = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Source
        fields = ["symbol", "title", "title_fr", "date", "link"]
        widgets = {"date": IsoDateInput()}

    link = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
