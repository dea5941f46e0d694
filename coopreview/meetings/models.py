"""Meetings, sessions, participants, agenda, minutes, documents, decisions; per-user calendar settings."""

import secrets
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.accounts.display import user_display_name
from coopreview.accounts.models import Organisation
from coopreview.core.models import TimestampedModel
from coopreview.meetings.enums import (
    DEFAULT_TIME_ZONE,
    ChangeKind,
    MeetingStatus,
    MeetingType,
    ParticipantRole,
)
from coopreview.recommendations.models import PriorityFlag, Recommendation


@cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (use a name such as Europe/Amsterdam)."),
            code="unknown_time_zone",
            params={"value": value},
        )


class UserPreference(TimestampedModel):
    """A user's time zone (meetings are shown in it), language (pages after sign-in, e-mails) and
    calendar feed token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_preference"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    feed_token = models.CharField(_("calendar feed token"), max_length=64, blank=True, db_index=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("For the pages once you sign in and for the e-mails you receive."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting preference")
        verbose_name_plural = _("meeting preferences")

    def __str__(self) -> str:
        return f"{self.user} · {self.time_zone}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now) -> "MeetingQuerySet":
        return self.filter(end__gte=now).order_by("start", "pk")

    def past(self, now) -> "MeetingQuerySet":
        return self.filter(end__lt=now).order_by("-start", "-pk")


class Meeting(TimestampedModel):
    title = models.CharField(_("title"), max_length=300)
    type = models.CharField(_("type"), max_length=30, choices=MeetingType.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    description = models.TextField(_("description"), blank=True)
    organisers = models.ManyToManyField(
        Organisation, verbose_name=_("organisers"), blank=True, related_name="meetings_organised"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    uid = models.CharField(_("calendar UID"), max_length=100, unique=True, editable=False)
    # Editable only so that history diffs show them (simple-history compares editable fields); no
    # form offers them: services set them.
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    invitations_sent_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demo content"), default=False)
    history = HistoricalRecords(m2m_fields=[organisers])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="meetings_meeting_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end must be after the start.")})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return self.start.astimezone(self.tz)

    @property
    def local_end(self):
        return self.end.astimezone(self.tz)

    @property
    def minutes_approved(self) -> bool:
        return self.minutes_approved_at is not None


class Participant(TimestampedModel):
    """An organisation, a user, or an external person (name and email) taking part in a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person (user)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_participations",
    )
    name = models.CharField(_("name (external person)"), max_length=200, blank=True)
    email = models.EmailField(_("email (external person)"), blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "role", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meetings_participant_unique_user"),
            # An organisation takes part once; persons may in addition attend on its behalf.
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=models.Q(user__isnull=True),
                name="meetings_participant_unique_organisation",
            ),
        ]

    def __str__(self) -> str:
        if self.user_id and self.organisation_id:
            return _("%(person)s, for %(organisation)s") % {
                "person": self.user.get_full_name() or user_display_name(self.user),
                "organisation": self.organisation,
            }
        if self.user_id:
            return user_display_name(self.user)
        if self.organisation_id:
            return str(self.organisation)
        return self.name or self.email

    @property
    def invite_email(self) -> str:
        if self.user_id:
            return self.user.email
        return self.email


class Session(TimestampedModel):
    """A part of a meeting with its own time, room and speakers (e.g. an introduction, technical sessions)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=300)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    speakers = models.ManyToManyField(
        Participant, verbose_name=_("speakers"), blank=True, related_name="sessions"
    )
    history = HistoricalRecords(m2m_fields=[speakers])

    class Meta:
        ordering = ["meeting", "start", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="meetings_session_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItem(TimestampedModel):
    """A point of the agenda, usually about one or more recommendations; carries its minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("recommendations"), blank=True, related_name="agenda_items"
    )
    action = models.ForeignKey(
        "followup.Action",
        verbose_name=_("follow-up action"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    minutes = models.TextField(_("minutes"), blank=True)
    history = HistoricalRecords(m2m_fields=[recommendations])

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title

    @property
    def linked_references(self) -> str:
        """“R1, R2”: the recommendations the reader may see, as selectors prefetch them (`linked`); empty
        when they were not read through a selector, so that no unchecked reference is ever shown."""
        return ", ".join(str(rec) for rec in getattr(self, "linked", ()))


def document_path(instance: "AgendaDocument", filename: str) -> str:
    return f"meetings/{instance.item.meeting_id}/{secrets.token_hex(8)}-{filename}"


class AgendaDocument(TimestampedModel):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class Decision(TimestampedModel):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:80]


class DecisionChange(TimestampedModel):
    """A follow-up change carried by a decision. Once applied it is the link record from the change
    back to its meeting: applied_at, applied_by and the target recommendation."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=30, choices=ChangeKind.choices)
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.PROTECT,
        related_name="meeting_changes",
    )
    priority_flag = models.ForeignKey(
        PriorityFlag,
        verbose_name=_("priority flag"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The addressee whose part moves, the lead of the action, or the organisation whose view it is."
        ),
    )
    status = models.CharField(_("new status"), max_length=30, blank=True)
    text = models.CharField(_("action title or position"), max_length=300, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    # What the change produced or changed (a recommendation, a follow-up part, an action, a view).
    target_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision", "pk"]
        verbose_name = _("follow-up change")
        verbose_name_plural = _("follow-up changes")

    def __str__(self) -> str:
        label = str(self.get_kind_display())
        if self.priority_flag_id:
            return f"{label}: {self.priority_flag}"
        if self.kind == ChangeKind.MOVE_STATUS:
            from coopreview.followup.enums import Status

            status = dict(Status.choices).get(self.status, self.status)
            return f"{label}: {self.organisation} → {status}"
        if self.kind == ChangeKind.CREATE_ACTION:
            return f"{label}: {self.text} ({self.organisation})"
        if self.kind == ChangeKind.RECORD_VIEW:
            return f"{label}: {self.organisation} — {self.text}"
        return label
