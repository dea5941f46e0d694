"""Writes on recommendations, sources, sections, flags and themes. Views, forms and commands call these."""

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coopreview.accounts.models import Organisation
from coopreview.core.coalesce import coalesced
from coopreview.core.edits import pending_changes, unchanged
from coopreview.core.exceptions import ServiceError
from coopreview.core.history import refuse_stale, save_with_history
from coopreview.recommendations.models import PriorityFlag, Recommendation, Section, Source, Theme
from coopreview.webhooks import payloads
from coopreview.webhooks.enums import WebhookEvent
from coopreview.webhooks.services import event_emit

M2M_FIELDS = ("addressees", "recommended_by", "priority_flags", "themes", "restricted_to")


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Iterable[Any]]]:
    m2m = {k: v for k, v in data.items() if k in M2M_FIELDS}
    return {k: v for k, v in data.items() if k not in M2M_FIELDS}, m2m


class StaleChoiceError(ServiceError):
    """The database refused the save: a chosen row is gone or another save took the reference."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The recommendation was not saved: a choice on the form no longer exists (an "
                "organisation, theme or flag deleted meanwhile) or another save took the same "
                "reference. Reload the form and try again."
            )
        )


def _refused_by_the_database(func):
    """The forms check choices against per-process copies of small tables (core.reference), which may
    lag behind a deletion on another server; the foreign keys then refuse the link at commit. That
    becomes a message on the form, not an error page. Outside the transaction: it is rolled back."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except IntegrityError as exc:
            raise StaleChoiceError() from exc

    return wrapper


@_refused_by_the_database
@transaction.atomic
def recommendation_create(
    *, by: User | None, reason: str = "", validated: bool = False, **data: Any
) -> Recommendation:
    """`validated`: the caller's ModelForm has just run the model's validation on exactly `data`
    (RecommendationForm.is_valid()); it is not run a second time. The database's constraints still
    hold against a concurrent save."""
    fields, m2m = _split(data)
    recommendation = Recommendation(**fields)
    if not validated:
        recommendation.full_clean(exclude=["reference_sort"])
    with coalesced():  # one search index update for the row and its relations
        save_with_history(recommendation, by=by, reason=reason, m2m=m2m)
    event_emit(event=WebhookEvent.RECOMMENDATION_CREATED, data=payloads.recommendation(recommendation))
    return recommendation


@_refused_by_the_database
@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    by: User | None,
    reason: str = "",
    expected_updated_at: datetime | None = None,
    validated: bool = False,
    **data: Any,
) -> Recommendation:
    """Apply `data` to `recommendation`. With `expected_updated_at`, refuse to overwrite a newer save
    (ConcurrentEditError carries what the other person changed). `validated`: as for
    recommendation_create (the edit form validated `data` on this very instance).

    `data` equal to the stored values and links: nothing is written (no history, no new updated_at,
    no index change, no webhook), even from a stale form; the result is marked (core.edits.saved_nothing)."""
    current = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    fields, m2m = _split(data)
    pending = pending_changes(current, fields, m2m)
    if not pending:
        return unchanged(current)
    refuse_stale(current, expected_updated_at)
    for name, value in fields.items():
        setattr(recommendation, name, value)
    if not validated:
        recommendation.full_clean(exclude=["reference_sort"])
    with coalesced():  # one search index update for the row and its relations
        save_with_history(recommendation, by=by, reason=reason, m2m=m2m, links=pending.links)
    event_emit(event=WebhookEvent.RECOMMENDATION_UPDATED, data=payloads.recommendation(recommendation))
    return recommendation


class FlagNotAllowed(PermissionDenied):
    """The user may not set or clear this flag: it belongs to another organisation."""


@transaction.atomic
def recommendation_set_flag(
    *, recommendation: Recommendation, flag: PriorityFlag, on: bool, by: User, reason: str = ""
) -> Recommendation:
    """Set (`on`) or clear `flag` on `recommendation`. Only the flag's owner may (rules: set_flag);
    the edit form, a stakeholder view and a meeting decision all come through here."""
    if not by.has_perm("recommendations.set_flag", flag):
        raise FlagNotAllowed(
            _("The flag “%(flag)s” belongs to %(owner)s: only its members set or clear it.")
            % {"flag": flag.display_name, "owner": flag.owner_name}
        )
    current = set(recommendation.priority_flags.all())
    wanted = current | {flag} if on else current - {flag}
    if wanted == current:
        return recommendation
    if not reason:
        reason = (_("Flag set: %(flag)s") if on else _("Flag cleared: %(flag)s")) % {"flag": flag.name}
    with coalesced():
        save_with_history(recommendation, by=by, reason=reason[:100], m2m={"priority_flags": wanted})
    event_emit(event=WebhookEvent.RECOMMENDATION_UPDATED, data=payloads.recommendation(recommendation))
    return recommendation


@transaction.atomic
def source_get_or_create(
    *, symbol: str, by: User | None = None, reason: str = "", **defaults: Any
) -> tuple[Source, bool]:
    source = Source.objects.filter(symbol=symbol).first()
    if source is not None:
        return source, False
    source = Source(symbol=symbol, **defaults)
    source.full_clean()
    return save_with_history(source, by=by, reason=reason), True


@transaction.atomic
def source_update(
    *,
    source: Source,
    by: User | None,
    reason: str = "",
    expected_updated_at: datetime | None = None,
    **data: Any,
) -> Source:
    """Correct a source's title, date, symbol or link. With `expected_updated_at`, refuse to overwrite
    a newer save (ConcurrentEditError carries what the other person changed)."""
    current = Source.objects.select_for_update().get(pk=source.pk)
    if not pending_changes(current, data):
        return unchanged(current)  # nothing written, as recommendation_update
    refuse_stale(current, expected_updated_at)
    for name, value in data.items():
        setattr(source, name, value)
    source.full_clean()
    return save_with_history(source, by=by, reason=reason)


@transaction.atomic
def section_get_or_create_path(
    *, source: Source, titles: list[str], by: User | None = None
) -> Section | None:
    """The section at `titles` (outermost first) in `source`, creating missing levels in order."""
    parent = None
    for title in titles:
        title = " ".join(title.split())
        if not title:
            continue
        node = Section.objects.filter(source=source, parent=parent, title=title).first()
        if node is None:
            position = Section.objects.filter(source=source, parent=parent).count()
            node = save_with_history(
                Section(source=source, parent=parent, title=title, position=position), by=by
            )
        parent = node
    return parent


@transaction.atomic
def priority_flag_get_or_create(
    *,
    name: str,
    colour: str = "#F4B183",
    name_fr: str = "",
    description: str = "",
    description_fr: str = "",
    owner: Organisation | None = None,
) -> PriorityFlag:
    flag = PriorityFlag.objects.filter(name=name).first()
    if flag is None:
        flag = PriorityFlag(
            name=name,
            name_fr=name_fr,
            colour=colour,
            description=description,
            description_fr=description_fr,
            owner=owner,
        )
        flag.full_clean()
        save_with_history(flag)
    return flag


@transaction.atomic
def theme_get_or_create(*, slug: str, name: str, name_fr: str = "") -> Theme:
    theme = Theme.objects.filter(slug=slug).first()
    if theme is None:
        theme = save_with_history(Theme(slug=slug, name=name, name_fr=name_fr))
    return theme
