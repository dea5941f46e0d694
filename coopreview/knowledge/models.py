"""State profiles (per State and measure), practices, case law and documents of the cooperation platform."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.accounts.models import Organisation
from coopreview.core.models import TimestampedModel
from coopreview.knowledge import conf
from coopreview.knowledge.enums import (
    Channel,
    DocumentType,
    LegislationStatus,
    Measure,
    ProposalStatus,
    Visibility,
)
from coopreview.recommendations.models import Recommendation


class BilingualEntry(TimestampedModel):
    """English and French content with the time each language last changed, for the markers
    "translation missing" and "out of date since the other language changed"."""

    # (English field, French field) pairs of translatable content; set by each model.
    TRANSLATED: tuple[tuple[str, str], ...] = ()

    visibility = models.CharField(
        _("access"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC, db_index=True
    )
    en_changed_at = models.DateTimeField(_("English last changed"), null=True, blank=True)
    fr_changed_at = models.DateTimeField(_("French last changed"), null=True, blank=True)

    class Meta:
        abstract = True

    def text(self, name: str) -> str:
        """The field `name` in the current language, falling back to the other language."""
        fr = dict(self.TRANSLATED).get(name)
        if fr and get_language() == "fr" and getattr(self, fr):
            return getattr(self, fr)
        return getattr(self, name) or (getattr(self, fr) if fr else "")

    def has_language(self, language: str) -> bool:
        index = 1 if language == "fr" else 0
        return any(getattr(self, pair[index]) for pair in self.TRANSLATED)

    @property
    def translation_marker(self) -> str:
        """ "missing", "outdated" or "" for the language being displayed."""
        language = "fr" if get_language() == "fr" else "en"
        other = "en" if language == "fr" else "fr"
        if not self.has_language(language):
            return "missing" if self.has_language(other) else ""
        mine, theirs = getattr(self, f"{language}_changed_at"), getattr(self, f"{other}_changed_at")
        if mine and theirs and mine < theirs and self.has_language(other):
            return "outdated"
        return ""


class StateProfile(BilingualEntry):
    """One section of a State's profile: the requirements for one type of measure."""

    TRANSLATED = (
        ("legislation_title", "legislation_title_fr"),
        ("competent_authority", "competent_authority_fr"),
        ("requirements", "requirements_fr"),
        ("processing_time", "processing_time_fr"),
        ("agreements", "agreements_fr"),
    )
    # Fields a focal point may propose changes to (everything but the keys and access).
    EDITABLE = (
        "legislation_title",
        "legislation_title_fr",
        "legislation_date",
        "legislation_link",
        "legislation_status",
        "competent_authority",
        "competent_authority_fr",
        "channel",
        "languages",
        "requirements",
        "requirements_fr",
        "processing_time",
        "processing_time_fr",
        "contact_details",
        "agreements",
        "agreements_fr",
    )

    state = models.ForeignKey(
        Organisation,
        verbose_name=_("State"),
        on_delete=models.PROTECT,
        related_name="cooperation_profiles",
        limit_choices_to={"kind": "state"},
    )
    measure = models.CharField(_("type of measure"), max_length=30, choices=Measure.choices)
    legislation_title = models.CharField(_("implementing legislation"), max_length=300, blank=True)
    legislation_title_fr = models.CharField(
        _("implementing legislation (French)"), max_length=300, blank=True
    )
    legislation_date = models.DateField(_("date of the legislation"), null=True, blank=True)
    legislation_link = models.URLField(_("link to the legislation"), blank=True)
    legislation_status = models.CharField(
        _("status of the legislation"),
        max_length=20,
        choices=LegislationStatus.choices,
        default=LegislationStatus.UNKNOWN,
    )
    competent_authority = models.CharField(_("competent authority"), max_length=300, blank=True)
    competent_authority_fr = models.CharField(_("competent authority (French)"), max_length=300, blank=True)
    channel = models.CharField(_("channel for requests"), max_length=30, choices=Channel.choices, blank=True)
    languages = models.CharField(
        _("accepted languages"), max_length=200, blank=True, help_text=_("e.g. French, English")
    )
    requirements = models.TextField(_("form and content requirements"), blank=True)
    requirements_fr = models.TextField(_("form and content requirements (French)"), blank=True)
    processing_time = models.CharField(_("typical processing time"), max_length=200, blank=True)
    processing_time_fr = models.CharField(_("typical processing time (French)"), max_length=200, blank=True)
    contact_details = models.TextField(
        _("points of contact"),
        blank=True,
        help_text=_("Shown only to signed-in users of the Court and the States Parties."),
    )
    agreements = models.TextField(_("agreements concluded with the Court"), blank=True)
    agreements_fr = models.TextField(_("agreements concluded with the Court (French)"), blank=True)
    is_sample = models.BooleanField(_("sample content"), default=False)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    restricted_to = models.ManyToManyField(
        Organisation, verbose_name=_("restricted to"), blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[restricted_to])

    class Meta:
        ordering = ["state__name", "measure"]
        verbose_name = _("State profile section")
        verbose_name_plural = _("State profile sections")
        constraints = [
            models.UniqueConstraint(fields=["state", "measure"], name="knowledge_stateprofile_unique_measure")
        ]

    def __str__(self) -> str:
        return f"{self.state.display_name} — {self.get_measure_display()}"

    def is_stale(self, *, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.last_verified_on is None:
            return True
        return self.last_verified_on < today - timedelta(days=conf.freshness_days())


class ProfileChangeProposal(TimestampedModel):
    """A State focal point's proposed change to a section of their State's profile."""

    profile = models.ForeignKey(StateProfile, on_delete=models.CASCADE, related_name="proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="profile_proposals"
    )
    changes = models.JSONField(_("proposed values"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")

    def __str__(self) -> str:
        return f"{self.profile} ({self.get_status_display()})"

    def changed_fields(self) -> list[tuple[str, str, str]]:
        """(label, current value, proposed value) for each proposed field."""
        rows = []
        for name, value in self.changes.items():
            field = StateProfile._meta.get_field(name)
            current = getattr(self.profile, name)
            rows.append((str(field.verbose_name), "" if current is None else str(current), str(value)))
        return rows


class Practice(BilingualEntry):
    TRANSLATED = (("title", "title_fr"), ("summary", "summary_fr"), ("body", "body_fr"))

    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    body = models.TextField(_("text"), blank=True, help_text=_("Rich text; unsafe HTML is removed."))
    body_fr = models.TextField(_("text (French)"), blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Comma-separated"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("State or organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practices",
    )
    measure = models.CharField(_("type of measure"), max_length=30, choices=Measure.choices, blank=True)
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("linked recommendations"), blank=True, related_name="practices"
    )
    is_sample = models.BooleanField(_("sample content"), default=False)
    restricted_to = models.ManyToManyField(
        Organisation, verbose_name=_("restricted to"), blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[recommendations, restricted_to])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        return self.text("title")

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class CaseLaw(BilingualEntry):
    TRANSLATED = (("title", "title_fr"), ("summary", "summary_fr"))

    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    situation = models.CharField(_("situation"), max_length=200, blank=True)
    case = models.CharField(_("case"), max_length=200, blank=True)
    chamber = models.CharField(_("chamber"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_fr = models.TextField(_("summary (French)"), blank=True)
    link = models.URLField(_("link"), blank=True)
    topics = models.CharField(_("topics"), max_length=300, blank=True, help_text=_("Comma-separated"))
    measure = models.CharField(_("type of measure"), max_length=30, choices=Measure.choices, blank=True)
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("linked recommendations"), blank=True, related_name="case_law"
    )
    profiles = models.ManyToManyField(
        StateProfile, verbose_name=_("linked profile sections"), blank=True, related_name="case_law"
    )
    is_sample = models.BooleanField(_("sample content"), default=False)
    restricted_to = models.ManyToManyField(
        Organisation, verbose_name=_("restricted to"), blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[recommendations, profiles, restricted_to])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("case law")

    def __str__(self) -> str:
        return self.text("title")

    @property
    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.split(",") if t.strip()]


def _document_path(instance: "Document", filename: str) -> str:
    # A random name: the uploaded name is kept in `filename`, never used as a path.
    return f"knowledge/documents/{uuid.uuid4().hex}.{instance.file_type}"


class Document(BilingualEntry):
    """An uploaded PDF or DOCX, stored under MEDIA_ROOT (outside the web root), served by a view."""

    TRANSLATED = (("title", "title_fr"),)

    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    file_type = models.CharField(_("type"), max_length=10, choices=DocumentType.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    language = models.CharField(_("language of the document"), max_length=10, default="en")
    text_content = models.TextField(_("extracted text"), blank=True, editable=False)
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("practice"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("State or organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    restricted_to = models.ManyToManyField(
        Organisation, verbose_name=_("restricted to"), blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[restricted_to], excluded_fields=["text_content"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.text("title")
