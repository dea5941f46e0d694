"""Follow-up records: categorisation, stakeholder views, per-addressee parts, actions and updates."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.accounts.enums import Side
from coopreview.accounts.models import Organisation
from coopreview.core.models import TimestampedModel
from coopreview.followup.enums import (
    STATUS_ORDER,
    Assessment,
    AttachmentKind,
    Budgetary,
    Category,
    Status,
    UpdateState,
)
from coopreview.recommendations.models import PriorityFlag, Recommendation


class Categorisation(TimestampedModel):
    """Who must act on a recommendation: proposed by the Review Mechanism, approved (e.g. by the Bureau)."""

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="categorisation"
    )
    category = models.CharField(_("proposed categorisation"), max_length=20, choices=Category.choices)
    proposed_by = models.ForeignKey(
        Organisation,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rationale = models.TextField(_("rationale"), blank=True)
    approved = models.BooleanField(_("approved"), default=False)
    approved_by = models.CharField(
        _("approved by"), max_length=200, blank=True, help_text=_("e.g. the Bureau of the Assembly")
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_in = models.CharField(
        _("meeting or decision"),
        max_length=300,
        blank=True,
        help_text=_("e.g. 9th meeting of the Bureau, decision of 28 June 2021"),
    )
    approval_link = models.URLField(_("link to the decision"), blank=True)
    approval_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("categorisation")
        verbose_name_plural = _("categorisations")

    def __str__(self) -> str:
        return f"{self.recommendation}: {self.get_category_display()}"


class StakeholderView(TimestampedModel):
    """An organisation's own view of a recommendation, kept beside the official categorisation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="stakeholder_views"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(
        _("categorisation in this view"), max_length=20, choices=Category.choices, blank=True
    )
    position = models.CharField(
        _("position"), max_length=300, help_text=_('e.g. "To be discussed in the facilitation"')
    )
    rationale = models.TextField(_("rationale"), blank=True)
    priority_flag = models.ForeignKey(
        PriorityFlag,
        verbose_name=_("own priority flag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "organisation__name"]
        verbose_name = _("stakeholder view")
        verbose_name_plural = _("stakeholder views")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "organisation"], name="followup_stakeholderview_one_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.position}"


def _readable_q(lead_scope: frozenset[int]) -> Q:
    return Q(confidential=False) | Q(lead__in=lead_scope)


class FollowupPartQuerySet(models.QuerySet):
    def open(self) -> "FollowupPartQuerySet":
        return self.exclude(status__in=[Status.IMPLEMENTED, Status.NOT_PURSUED])

    def readable(self, lead_scope: frozenset[int] | None) -> "FollowupPartQuerySet":
        """Without the confidential parts whose lead is outside `lead_scope` (None: no restriction).
        followup.selectors.part_lead_scope says what a user's scope is."""
        if lead_scope is None:
            return self
        return self.filter(_readable_q(lead_scope))

    def unreadable(self, lead_scope: frozenset[int] | None) -> "FollowupPartQuerySet":
        """The parts readable() leaves out."""
        if lead_scope is None:
            return self.none()
        return self.exclude(_readable_q(lead_scope))


class FollowupPart(TimestampedModel):
    """The part of a recommendation one addressee must act on (the Court or an organ, the Assembly, a State).

    Each part is edited only by its own side: the Court's by Court focal points of the organ concerned,
    the Assembly's by Review Mechanism editors and facilitators (see followup.rules).
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="followup_parts"
    )
    addressee = models.ForeignKey(
        Organisation, verbose_name=_("addressee"), on_delete=models.PROTECT, related_name="followup_parts"
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices, editable=False)
    assessment = models.CharField(_("assessment"), max_length=30, choices=Assessment.choices, blank=True)
    budgetary = models.CharField(
        _("budgetary implications"), max_length=10, choices=Budgetary.choices, default=Budgetary.UNKNOWN
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    narrative = models.TextField(_("narrative"), blank=True)
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_parts",
    )
    confidential = models.BooleanField(
        _("confidential to the lead organ"),
        default=False,
        help_text=_("Only the lead organ's members see this part: other organs never do."),
    )
    history = HistoricalRecords()

    objects = FollowupPartQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "side", "addressee__name"]
        verbose_name = _("follow-up part")
        verbose_name_plural = _("follow-up parts")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "addressee"], name="followup_followuppart_one_per_addressee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} · {self.addressee}"

    @property
    def rank(self) -> int:
        return STATUS_ORDER.index(self.status) if self.status in STATUS_ORDER else len(STATUS_ORDER)


class Transition(models.Model):
    """One move of a part through the workflow: who, when, from, to and why. Append-only."""

    part = models.ForeignKey(FollowupPart, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.part}: {self.from_status} → {self.to_status}"


class ActionQuerySet(models.QuerySet):
    def overdue(self, today=None) -> "ActionQuerySet":
        today = today or timezone.localdate()
        return self.filter(due__lt=today, progress__lt=100)

    def due_within(self, days: int, today=None) -> "ActionQuerySet":
        today = today or timezone.localdate()
        return self.filter(due__lte=today + timedelta(days=days), progress__lt=100)


class Action(TimestampedModel):
    """A step of an action plan, led by an organ, a body or a State; may serve several recommendations."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        Organisation, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="led_actions"
    )
    recommendations = models.ManyToManyField(
        Recommendation, verbose_name=_("recommendations"), related_name="followup_actions"
    )
    start = models.DateField(_("start"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[recommendations])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = [F("due").asc(nulls_last=True), "title"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="followup_action_progress_max_100"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(due__isnull=True) | Q(due__gte=F("start")),
                name="followup_action_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(TimestampedModel):
    """A report of progress on an action; published only once an editor has validated it."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("text"))
    progress = models.PositiveSmallIntegerField(
        _("progress reached (%)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep the current figure."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="followup_updates"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=UpdateState.choices, default=UpdateState.PENDING, db_index=True
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="followup_progressupdate_progress_max_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.text[:60]}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name never comes from the user (it may hold path tricks); the original is kept apart.
    suffix = Path(filename).suffix.lower()[:10]
    return f"followup/{timezone.now():%Y/%m}/{timezone.now():%Y%m%d%H%M%S%f}{suffix}"


class Attachment(TimestampedModel):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(
        _("type"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER
    )
    size = models.PositiveIntegerField(_("size (bytes)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ReminderSent(models.Model):
    """One reminder about one action to one person on one day: `remind` never sends it twice."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["action", "user", "day"], name="followup_remindersent_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.action} → {self.user} ({self.day})"


class OverallStatus(models.Model):
    """Derived cache, no history of its own: the overall status (followup.overall) of a recommendation's
    parts, kept by every part write in the same transaction and rebuilt from the parts by
    `manage.py followup_overall_rebuild` (whose test proves it equal to the computed one).

    The overall status depends on the reader only through parts confidential to their lead organ, so it
    is stored once for the parts everyone may read (confidential=False, lead empty) and once per lead of
    confidential parts (confidential=True): most recommendations have one row. A reader's overall status
    is the MIN of `rank` over the rows they may read; `sides` ORs the parts' side bits (summary.SIDE_BITS).
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="followup_overall"
    )
    confidential = models.BooleanField()
    lead = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()  # index in summary.RANKED, the MIN of the parts' ranks
    sides = models.PositiveSmallIntegerField()  # OR of summary.SIDE_BITS of the parts' sides

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation"],
                condition=Q(confidential=False),
                name="followup_overallstatus_one_shared",
            ),
            models.UniqueConstraint(
                fields=["recommendation", "lead"],
                condition=Q(confidential=True),
                name="followup_overallstatus_one_per_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.rank}"


class OverallSpan(models.Model):
    """Derived cache, no history of its own: the overall status of a recommendation's parts from `start`
    until `end` (empty: still so), computed from the parts' history (followup.overall), keyed as
    OverallStatus by the parts' confidentiality and lead today (followup.past hides a part by its state
    today). Rewritten for a recommendation by every part write, in the same transaction, and rebuilt by
    `manage.py followup_overall_rebuild`. The dashboard's "over time" months read it (past.
    status_counts_from_spans) instead of every part's latest history row up to each month."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    confidential = models.BooleanField()
    lead = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()  # index in summary.RANKED
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["start", "end"], name="followup_overallspan_when"),
            # followup.over_time reads the spans that ended on one day
            models.Index(fields=["end"], name="followup_overallspan_end"),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.rank} from {self.start:%Y-%m-%d}"


class TallyFacts(models.Model):
    """Derived cache, no history of its own: what one recommendation adds to the dashboard's tallies
    (followup.tallies), as last counted. Kept in the transaction of every write that changes it (part
    writes, recommendation saves, access and flag links, imports) and rebuilt by
    `manage.py followup_overall_rebuild`; a refresh subtracts these facts and adds the new ones.

    `access` is the access class: the layer, or "restricted:" and the organisations' ids (",3,7,");
    `rank`/`sides` those of the parts everyone may read (OverallStatus' shared row; rank -1: none);
    `section` 0: none; `flags` the priority flags' ids (",1,4,"); `leads` the parts per lead organ,
    {"<lead id>:<1 if confidential else 0>": n}."""

    recommendation = models.OneToOneField(
        Recommendation, primary_key=True, on_delete=models.CASCADE, related_name="followup_facts"
    )
    access = models.TextField()
    rank = models.SmallIntegerField()
    sides = models.SmallIntegerField()
    source = models.IntegerField()  # ids, not foreign keys: a derived cache follows the rows it counts
    section = models.IntegerField()
    flags = models.TextField(blank=True)
    leads = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.access} {self.rank}"


class Tally(models.Model):
    """Derived cache, no history of its own: `n`, the number of recommendations (or of parts) sharing
    one key, summed by the dashboard for the access classes a reader may open (followup.tallies).
    Updated by difference from TallyFacts in the same transaction as every write; zero rows stay until
    the rebuild. Kinds: RECOMMENDATIONS keyed by (access, rank, sides, source, section, flagged);
    FLAGS by (access, flag); PARTS, the parts with a lead, by (access, lead, confidential). Unused key
    columns hold 0 (never NULL: the upsert's conflict target must match)."""

    RECOMMENDATIONS, FLAGS, PARTS = 1, 2, 3

    kind = models.SmallIntegerField()
    access = models.TextField()
    rank = models.SmallIntegerField(default=0)
    sides = models.SmallIntegerField(default=0)
    source = models.IntegerField(default=0)
    section = models.IntegerField(default=0)
    flagged = models.BooleanField(default=False)
    flag = models.IntegerField(default=0)
    lead = models.IntegerField(default=0)
    confidential = models.BooleanField(default=False)
    n = models.IntegerField(default=0)

    KEY = ["kind", "access", "rank", "sides", "source", "section", "flagged", "flag", "lead", "confidential"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "access",
                    "rank",
                    "sides",
                    "source",
                    "section",
                    "flagged",
                    "flag",
                    "lead",
                    "confidential",
                ],  # fmt: skip
                name="followup_tally_one_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.access}: {self.n}"


class OverTimeEntry(models.Model):
    """Derived cache, no history of its own: how followup.over_time counts a recommendation that has
    spans (OverallSpan) in the dashboard's "over time" months. `simple`: its spans are counted from the
    stored deltas (OverTimeDelta) under `layer`; else it is counted by the reference query
    (past.status_counts_from_spans) restricted to the few such recommendations. Kept by every part write
    and every write of the recommendation (core.derived), rebuilt by `manage.py followup_overall_rebuild`."""

    recommendation = models.OneToOneField(
        Recommendation, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    layer = models.TextField()  # over_time.layer_key of the recommendation now
    uniform = models.BooleanField()  # every version of its history had `layer` (and none is a deletion)
    since = models.DateTimeField(null=True, blank=True)  # the date of its first version
    simple = models.BooleanField()  # uniform, first version at or before its first span, none confidential

    class Meta:
        indexes = [
            models.Index(
                fields=["recommendation"], condition=Q(simple=False), name="followup_overtime_complex"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.layer}{'' if self.simple else ' (counted apart)'}"


class OverTimeDelta(models.Model):
    """Derived cache, no history of its own: for the simple recommendations (OverTimeEntry) of one
    access layer, the number of spans of `rank` that began on UTC day `day` minus those that ended on
    it. The spans valid at a moment are the sum over the days before the moment's UTC day plus that
    day's own spans up to the moment (followup.over_time). Kept by the same writes as OverTimeEntry."""

    layer = models.TextField()
    day = models.DateField()
    rank = models.PositiveSmallIntegerField()  # index in summary.RANKED
    delta = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["layer", "day", "rank"], name="followup_overtimedelta_one_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.layer} {self.day} rank {self.rank}: {self.delta:+d}"
