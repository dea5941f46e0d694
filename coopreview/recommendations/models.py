import re
from collections.abc import Iterable

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.accounts.models import Organisation
from coopreview.core.history_links import LinkHistoricalRecords
from coopreview.core.models import TimestampedModel
from coopreview.recommendations.enums import Response, Visibility


def reference_sort_key(reference: str) -> str:
    """A key that sorts "R2" before "R10" and "67.2" before "67.10": digit runs zero-padded."""
    return re.sub(r"\d+", lambda m: m.group(0).zfill(8), reference.strip().lower())[:120]


class Source(TimestampedModel):
    """A recommendation set or the document it comes from (a report, a declaration, a review)."""

    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    symbol = models.CharField(
        _("document symbol"), max_length=100, unique=True, help_text=_("e.g. ICC-ASP/19/16")
    )
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    link = models.URLField(_("link"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "symbol"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        # The source filter lists the newest visible sources: walking this index it stops after a few.
        indexes = [models.Index(fields=["-date", "symbol"], name="source_newest_idx")]

    def __str__(self) -> str:
        return self.label(self.symbol, self.title, self.title_fr, french=get_language() == "fr")

    @staticmethod
    def label(symbol: str, title: str, title_fr: str, *, french: bool) -> str:
        """How a source is named in lists; a static method so choice lists can build it from plain rows
        (and ask for the language once, not once per source)."""
        return f"{symbol} — {title_fr if french and title_fr else title}"

    @property
    def display_title(self) -> str:
        return self.title_fr if get_language() == "fr" and self.title_fr else self.title

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:
            # Derived, not state: each recommendation keeps a copy of the date for the list's order
            # (Recommendation.source_date). One UPDATE and no history rows: no reader's data changed.
            self.recommendations.exclude(source_date=self.date).update(source_date=self.date)


class Section(TimestampedModel):
    """A node of a source's section tree: cluster > section > subsection."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "parent", "title"],
                name="recommendations_section_unique_title",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return " > ".join(s.display_title for s in self.path)

    @property
    def display_title(self) -> str:
        return self.title_fr if get_language() == "fr" and self.title_fr else self.title

    @property
    def path(self) -> list["Section"]:
        """Outermost first. Walks parents: trees are a few levels deep."""
        node, path = self, []
        while node is not None:
            path.append(node)
            node = node.parent
        return path[::-1]


class PriorityFlag(TimestampedModel):
    """A named priority mark with its colour, e.g. "Facilitation priority" in orange."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    colour = models.CharField(
        _("colour"), max_length=7, default="#F4B183", help_text=_("Hexadecimal colour, e.g. #F4B183")
    )
    description = models.TextField(_("description"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="priority_flags",
        help_text=_(
            "The organisation that sets and clears this flag (e.g. the facilitation); "
            "empty for a source's own flags, such as the report's Annex I."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("priority flag")
        verbose_name_plural = _("priority flags")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"),
                name="recommendations_priorityflag_colour_hex",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_fr if get_language() == "fr" and self.name_fr else self.name

    @property
    def owner_name(self) -> str:
        """Whose flag it is, as legends print it: the owning organisation, else the source."""
        return self.owner.display_name if self.owner_id else str(_("the source"))

    @property
    def key(self) -> str:
        """The flag's own (English) name, whatever the language: the order of flags everywhere."""
        return self.name


def flag_label(flag: PriorityFlag) -> str:
    """A flag with its owner, as choices name it: "Facilitation priority — Facilitation on cooperation"."""
    return f"{flag.display_name} — {flag.owner_name}"


def in_flag_order(flags: Iterable) -> list:
    """Flags (models or the reports' Flag) in the one order every renderer uses: the list page, the
    by-cluster view, the dashboard, the print view, PDF, DOCX, XLSX and their legends. The first flag
    colours the row; the split bar and the legend follow the same order."""
    return sorted(flags, key=lambda f: (f.key or f.name, f.pk))


class Theme(TimestampedModel):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_fr = models.CharField(_("name (French)"), max_length=150, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_fr if get_language() == "fr" and self.name_fr else self.name


class RecommendationQuerySet(models.QuerySet):
    def public(self) -> "RecommendationQuerySet":
        return self.filter(visibility=Visibility.PUBLIC)


class Recommendation(TimestampedModel):
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="recommendations"
    )
    reference = models.CharField(
        _("reference"), max_length=50, help_text=_('As printed: "274", "R274", "67.1"')
    )
    reference_sort = models.CharField(max_length=120, editable=False, db_index=True)
    # A copy of source.date, so the default order (source date, source, reference) is one index on
    # this table: the list walks it in page order and stops after a page instead of sorting every match.
    source_date = models.DateField(null=True, editable=False)
    text = models.TextField(_("text"))
    text_fr = models.TextField(_("text (French)"), blank=True)
    section = models.ForeignKey(
        Section,
        verbose_name=_("cluster / section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
    )
    addressees = models.ManyToManyField(
        Organisation,
        verbose_name=_("addressees"),
        blank=True,
        related_name="recommendations_addressed",
        help_text=_(
            "Who must act: the Court or one of its organs, the Assembly or one of its bodies, a State."
        ),
    )
    recommended_by = models.ManyToManyField(
        Organisation, verbose_name=_("recommended by"), blank=True, related_name="recommendations_made"
    )
    response = models.CharField(_("response"), max_length=20, choices=Response.choices, blank=True)
    priority_flags = models.ManyToManyField(
        PriorityFlag, verbose_name=_("priority flags"), blank=True, related_name="recommendations"
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="recommendations"
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC, db_index=True
    )
    restricted_to = models.ManyToManyField(
        Organisation,
        verbose_name=_("restricted to"),
        blank=True,
        related_name="restricted_recommendations",
        help_text=_("Organisations that may see a restricted recommendation."),
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    history = LinkHistoricalRecords(  # m2m history copied from the rows written, not read back
        m2m_fields=[addressees, recommended_by, priority_flags, themes, restricted_to],
        excluded_fields=["source_date"],  # the source's history already says when its date changed
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["source", "reference_sort"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"], name="recommendations_recommendation_unique_reference"
            )
        ]
        indexes = [
            models.Index(fields=["source", "reference_sort"], name="rec_source_refsort_idx"),
            models.Index(fields=["source_date", "source", "reference_sort"], name="rec_list_order_idx"),
            # "Does this source hold anything the user may see?" (the source filter asks it of every
            # source on every list page) answered from the index alone.
            models.Index(fields=["source", "visibility"], name="rec_source_visibility_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source.symbol} {self.reference}"

    def clean_fields(self, exclude=None) -> None:
        # A source or section already loaded on the instance (the form's choice field, a service's
        # caller) was read from the database: the foreign key check would only ask again that it exists.
        fields = (self._meta.get_field("source"), self._meta.get_field("section"))
        loaded = {
            f.name
            for f in fields
            if f.is_cached(self)
            and getattr(self, f.name) is not None
            and not getattr(self, f.name)._state.adding
        }
        super().clean_fields(exclude={*(exclude or ()), *loaded})

    def save(self, *args, **kwargs) -> None:
        # Derived, not state: keeping the natural sort key and the source's date in step.
        self.reference_sort = reference_sort_key(self.reference)
        self.source_date = self.source.date if self.source_id else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"reference": "reference_sort", "source": "source_date", "source_id": "source_date"}
            kwargs["update_fields"] = {*update_fields, *(derived[f] for f in update_fields if f in derived)}
        super().save(*args, **kwargs)

    @property
    def display_text(self) -> str:
        return self.text_fr if get_language() == "fr" and self.text_fr else self.text

    @property
    def translation_missing(self) -> bool:
        return get_language() == "fr" and not self.text_fr
