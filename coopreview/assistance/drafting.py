"""A draft from a template and the requested State's profile: the requirements that apply, what the
profile lacks or has let go out of date, the filled-in text and the checklist."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import AnyUser
from coopreview.knowledge import conf as knowledge_conf
from coopreview.knowledge.models import StateProfile
from coopreview.knowledge.selectors import profiles_visible_to, user_sees_contacts

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# The placeholders a template may use; anything else is left as typed (a visible mistake, never code).
PLACEHOLDERS = (
    "reference",
    "subject",
    "organ",
    "state",
    "authority",
    "channel",
    "languages",
    "legal_basis",
    "requirements",
    "contact",
    "deadline",
    "date",
)
# Profile fields a request needs, in the order shown (their labels: _labels()).
NEEDED = (
    "competent_authority",
    "channel",
    "languages",
    "legislation_title",
    "requirements",
    "contact_details",
)


@dataclass
class Requirements:
    """What the requested State's profile says about this kind of request, and what it does not."""

    profile: StateProfile | None
    authority: str = ""
    channel: str = ""
    languages: str = ""
    legal_basis: str = ""
    requirements: str = ""
    contact: str = ""
    processing_time: str = ""
    verified_on: date | None = None
    missing: list[str] = field(default_factory=list)
    outdated: str = ""
    language_warning: str = ""

    @property
    def problems(self) -> list[str]:
        return [
            *self.missing,
            *([self.outdated] if self.outdated else []),
            *([self.language_warning] if self.language_warning else []),
        ]


def _labels() -> dict[str, str]:
    return {
        "competent_authority": _("competent authority"),
        "channel": _("channel for requests"),
        "languages": _("accepted languages"),
        "legislation_title": _("legal basis (implementing legislation)"),
        "requirements": _("form and content requirements"),
        "contact_details": _("points of contact"),
    }


def requirements_for(
    *, user: AnyUser, state: Organisation, kind: str, language: str, today: date | None = None
) -> Requirements:
    """The requirements of `state` for `kind`, from the profile section `user` may open, in `language`
    (the language of the request, not of the page)."""
    today = today or timezone.localdate()
    profile = profiles_visible_to(user=user).filter(state=state, measure=kind).first()
    if profile is None:
        return Requirements(
            profile=None,
            missing=[
                _("The profile of %(state)s has no section on this kind of assistance.") % {"state": state}
            ],
        )
    with translation.override(language):
        result = Requirements(
            profile=profile,
            authority=profile.text("competent_authority"),
            channel=profile.get_channel_display() if profile.channel else "",
            languages=profile.languages,
            legal_basis=profile.text("legislation_title"),
            requirements=profile.text("requirements"),
            contact=profile.contact_details if user_sees_contacts(user) else "",
            processing_time=profile.text("processing_time"),
            verified_on=profile.last_verified_on,
        )
    labels = _labels()
    for name in NEEDED:
        if not getattr(profile, name):
            result.missing.append(_("The profile does not give the %(what)s.") % {"what": labels[name]})
    if profile.is_stale(today=today):
        if profile.last_verified_on is None:
            result.outdated = _("The profile section has never been verified.")
        else:
            result.outdated = _(
                "The profile section was last verified on %(date)s, more than %(days)d days ago."
            ) % {  # in the page's words, as the page's other dates
                "date": formats.date_format(profile.last_verified_on, "DATE_FORMAT"),
                "days": knowledge_conf.freshness_days(),
            }
    accepted = profile.languages.lower()
    wanted = {"en": ("english", "anglais"), "fr": ("french", "français", "francais")}[language]
    if accepted and not any(word in accepted for word in wanted):
        result.language_warning = _(
            "The State accepts requests in %(languages)s: a translation will be needed."
        ) % {"languages": profile.languages}
    return result


def long_date(day: date) -> str:
    """A date as a letter or a sentence writes it in the active language ("13 December 2026",
    "13 décembre 2026"): an ISO date read as text in a French letter looks like a mistake."""
    return formats.date_format(day, "j F Y")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace {{ name }} placeholders; unknown names stay as typed."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def placeholder_values(*, request, req: Requirements) -> dict[str, str]:
    with translation.override(request.language):
        gap = _("[to be completed]")
        return {
            "reference": request.reference,
            "subject": request.title,
            "organ": request.requesting_organ.display_name,
            "state": request.requested_state.display_name,
            "authority": req.authority or gap,
            "channel": req.channel or gap,
            "languages": req.languages or gap,
            "legal_basis": req.legal_basis or gap,
            "requirements": req.requirements or gap,
            "contact": req.contact or gap,
            "deadline": long_date(request.deadline) if request.deadline else gap,
            "date": long_date(timezone.localdate()),
        }


def checklist_for(*, template_items: list[str], req: Requirements, language: str) -> list[dict]:
    """The template's items, then one per requirement of the State's profile, all unticked."""
    with translation.override(language):
        items = list(template_items)
        if req.channel:
            items.append(_("Transmitted through the %(channel)s") % {"channel": req.channel.lower()})
        if req.languages:
            items.append(_("Written in or translated into: %(languages)s") % {"languages": req.languages})
        if req.legal_basis:
            items.append(_("Legal basis cited: %(basis)s") % {"basis": req.legal_basis})
        if req.requirements:
            items.append(_("Form and content requirements of the State met"))
        if req.problems:
            items.append(_("Gaps in the State's profile checked with its focal point"))
    return [{"item": item[:500], "done": False} for item in items]
