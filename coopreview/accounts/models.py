from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coopreview.accounts.enums import OrganisationKind, Role, Side
from coopreview.core.models import TimestampedModel

KIND_SIDE = {
    OrganisationKind.COURT: Side.COURT,
    OrganisationKind.COURT_ORGAN: Side.COURT,
    OrganisationKind.ASSEMBLY: Side.ASSEMBLY,
    OrganisationKind.ASSEMBLY_BODY: Side.ASSEMBLY,
    OrganisationKind.STATE: Side.STATE,
}


class Organisation(TimestampedModel):
    """A State, the Court or one of its organs, the Assembly or one of its bodies, or another body."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("ISO 3166 alpha-3 code for States; a short code otherwise."),
    )
    name = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    iso_alpha2 = models.CharField(_("ISO 3166 alpha-2"), max_length=2, blank=True)
    is_state_party = models.BooleanField(_("State Party"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if get_language() == "fr" and self.name_fr:
            return self.name_fr
        return self.name

    @property
    def side(self) -> str:
        return KIND_SIDE.get(self.kind, Side.OTHER)


class Membership(TimestampedModel):
    """A user's role within an organisation; a user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="accounts_membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
