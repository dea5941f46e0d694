from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.core.models import TimestampedModel
from coopreview.lineage.enums import LinkOrigin, LinkType
from coopreview.recommendations.models import Recommendation, Source


class Link(TimestampedModel):
    """A confirmed, typed link: `from_recommendation` <link_type> `to_recommendation` — or, for
    "is implemented by", an `action` of the follow-up."""

    from_recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("from"), on_delete=models.CASCADE, related_name="links_out"
    )
    to_recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links_in",
    )
    # "is implemented by" may point at an action of the follow-up instead of a later recommendation.
    action = models.ForeignKey(
        "followup.Action",
        verbose_name=_("action"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="implements_links",
    )
    link_type = models.CharField(_("link type"), max_length=20, choices=LinkType.choices)
    reason = models.TextField(_("why"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=LinkOrigin.choices, default=LinkOrigin.MANUAL
    )
    score = models.FloatField(_("similarity score"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-confirmed_at", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_recommendation=F("to_recommendation")), name="lineage_link_not_self"
            ),
            models.UniqueConstraint(
                fields=["from_recommendation", "to_recommendation"], name="lineage_link_one_per_pair"
            ),
            models.UniqueConstraint(
                fields=["from_recommendation", "action"], name="lineage_link_one_per_action"
            ),
            models.CheckConstraint(
                condition=(Q(to_recommendation__isnull=False) & Q(action__isnull=True))
                | (
                    Q(to_recommendation__isnull=True)
                    & Q(action__isnull=False)
                    & Q(link_type="implemented_by")
                ),
                name="lineage_link_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_recommendation} {self.get_link_type_display()} {self.target}"

    @property
    def target(self) -> object:
        return self.to_recommendation if self.to_recommendation_id else self.action


class RejectedPair(TimestampedModel):
    """A suggestion a reviewer rejected: never suggested again. Stored with the lower id first."""

    first = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("why"), blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rejected suggestion")
        verbose_name_plural = _("rejected suggestions")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="lineage_rejectedpair_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="lineage_rejectedpair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first} ≠ {self.second}"


class DuplicateGroup(TimestampedModel):
    """Recommendations of one source asking the same thing, with the one that stands for them."""

    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="+")
    representative = models.ForeignKey(
        Recommendation, verbose_name=_("representative"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed = models.BooleanField(_("reviewed"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "representative__reference_sort"]
        verbose_name = _("duplicate group")
        verbose_name_plural = _("duplicate groups")

    def __str__(self) -> str:
        return f"{self.source.symbol}: {self.representative.reference}"


class DuplicateGroupMember(TimestampedModel):
    group = models.ForeignKey(DuplicateGroup, on_delete=models.CASCADE, related_name="members")
    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="duplicate_membership"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "recommendation__reference_sort"]
        verbose_name = _("duplicate group member")
        verbose_name_plural = _("duplicate group members")

    def __str__(self) -> str:
        return f"{self.group} ∋ {self.recommendation.reference}"
