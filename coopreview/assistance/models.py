"""Requests for assistance: templates written by Court users, requests drafted from a State's profile and
followed until they close, their correspondence, and the obstacles met (a taxonomy for learning)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.accounts.models import Organisation
from coopreview.assistance.enums import CLOSED, OPEN, Direction, Kind, Language, Status
from coopreview.core.models import TimestampedModel
from coopreview.knowledge.models import Practice
from coopreview.recommendations.models import Recommendation


class RequestTemplate(TimestampedModel):
    """The model letter for one kind of assistance in one language. `body` holds placeholders such as
    {{ authority }} that drafting fills from the requested State's profile (see drafting.PLACEHOLDERS)."""

    kind = models.CharField(_("kind of assistance"), max_length=30, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text of the request"))
    checklist = models.TextField(
        _("checklist"), blank=True, help_text=_("One item per line: what must be done before sending.")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "language", "title"]
        verbose_name = _("request template")
        verbose_name_plural = _("request templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "title"], name="assistance_requesttemplate_unique_title"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_language_display()})"

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class Obstacle(TimestampedModel):
    """One entry of the taxonomy of obstacles recorded when a request closes (administrators edit it),
    linked to the recommendations and practices that address it."""

    name = models.CharField(_("name (English)"), max_length=200, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("recommendations addressing it"), blank=True, related_name="+"
    )
    practices = models.ManyToManyField(
        Practice, verbose_name=_("practices addressing it"), blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[recommendations, practices])

    class Meta:
        ordering = ["name"]
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_fr if get_language() == "fr" and self.name_fr else self.name


class AssistanceRequestQuerySet(models.QuerySet):
    def open(self) -> "AssistanceRequestQuerySet":
        return self.filter(status__in=OPEN)

    def closed(self) -> "AssistanceRequestQuerySet":
        return self.filter(status__in=CLOSED)


class AssistanceRequest(TimestampedModel):
    """A request from an organ of the Court to a State. Confidential: only the requesting organ, the
    requested State's focal points (once sent) and organisations it is shared with may open it."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    requesting_organ = models.ForeignKey(
        Organisation, verbose_name=_("requesting organ"), on_delete=models.PROTECT, related_name="+"
    )
    requested_state = models.ForeignKey(
        Organisation,
        verbose_name=_("requested State"),
        on_delete=models.PROTECT,
        related_name="assistance_requests",
        limit_choices_to={"kind": "state"},
    )
    kind = models.CharField(_("kind of assistance"), max_length=30, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    template = models.ForeignKey(
        RequestTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    title = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text of the request"), blank=True)
    # [{"item": str, "done": bool}]: the template's items and those the State's profile requires.
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    obstacles = models.ManyToManyField(
        Obstacle, verbose_name=_("obstacles"), blank=True, related_name="requests"
    )
    closing_note = models.TextField(_("note on closing"), blank=True)
    shared_with = models.ManyToManyField(
        Organisation,
        verbose_name=_("shared with"),
        blank=True,
        related_name="+",
        help_text=_("Organisations whose members may read this request (never by default)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[obstacles, shared_with])

    objects = AssistanceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request for assistance")
        verbose_name_plural = _("requests for assistance")
        # Confidential records: no Django admin permissions beyond viewing through the app's own rules.
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acknowledged_on__isnull=True)
                | models.Q(sent_on__isnull=False, acknowledged_on__gte=models.F("sent_on")),
                name="assistance_assistancerequest_ack_after_sent",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(sent_on__isnull=True)
                | models.Q(closed_on__gte=models.F("sent_on")),
                name="assistance_assistancerequest_closed_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def checklist_complete(self) -> bool:
        return all(entry.get("done") for entry in self.checklist)


class StatusChange(models.Model):
    """One step of a request's life: the status, the day it happened (may be earlier than recorded),
    who recorded it and why. The timeline of the tracking page."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "pk"]  # the order events were recorded: a date may be backdated
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.get_status_display()} ({self.on})"


def _attachment_path(instance: "Correspondence", filename: str) -> str:
    # A random folder: the stored name never reveals the request, and two files never collide.
    return f"assistance/{uuid.uuid4().hex}/{filename}"


class Correspondence(TimestampedModel):
    """A letter, note verbale, e-mail or note about a request, with an optional file."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="correspondence")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    on = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("correspondence")
        verbose_name_plural = _("correspondence")

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.get_direction_display()} ({self.on})"


class RequestReminderSent(models.Model):
    """One deadline reminder about one request to one person on one day: never sent twice."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request reminder sent")
        verbose_name_plural = _("request reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["request", "user", "day"], name="assistance_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.request.reference} → {self.user} ({self.day})"
