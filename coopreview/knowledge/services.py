"""Writes of the cooperation platform. Every write keeps the unified search index in step, in the
same transaction (coopreview.search.indexing.index_update)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import nh3
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coopreview.accounts.enums import Role
from coopreview.accounts.models import Membership, Organisation
from coopreview.core.edits import Pending, pending_changes, unchanged
from coopreview.core.exceptions import ServiceError
from coopreview.core.history import refuse_stale, save_with_history
from coopreview.inbox.enums import Verb
from coopreview.inbox.services import notify
from coopreview.knowledge import selectors
from coopreview.knowledge.documents import check_upload
from coopreview.knowledge.enums import ProposalStatus, Visibility
from coopreview.knowledge.models import (
    BilingualEntry,
    CaseLaw,
    Document,
    Practice,
    ProfileChangeProposal,
    StateProfile,
)
from coopreview.search.indexing import index_delete, index_update

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "blockquote",
    "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan"}}


def sanitise_html(html: str) -> str:
    """Rich text as the platform stores it: scripts, event handlers, styles and javascript: URLs removed."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _stamp_languages(entry: BilingualEntry, changed: Iterable[str]) -> None:
    """Record when each language's content changed, for the translation markers."""
    now = timezone.now()
    changed = set(changed)
    if changed & {en for en, _fr in entry.TRANSLATED}:
        entry.en_changed_at = now
    if changed & {fr for _en, fr in entry.TRANSLATED}:
        entry.fr_changed_at = now


def _apply(
    entry: BilingualEntry, data: dict[str, Any], m2m_names: Iterable[str], exclude: tuple[str, ...] = ()
) -> dict[str, Any]:
    m2m = {k: data.pop(k) for k in list(data) if k in m2m_names}
    changed = [k for k, v in data.items() if getattr(entry, k, None) != v]
    for name, value in data.items():
        setattr(entry, name, value)
    if entry.pk is None:
        changed = [name for pair in entry.TRANSLATED for name in pair if getattr(entry, name)]
    _stamp_languages(entry, changed)
    try:
        entry.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ServiceError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    return m2m


def _pending(entry: BilingualEntry, data: dict[str, Any], m2m_names: Iterable[str]) -> Pending:
    """What `data` (as _apply takes it) would change on the stored `entry` (core.edits)."""
    m2m = {k: v for k, v in data.items() if k in m2m_names}
    return pending_changes(entry, {k: v for k, v in data.items() if k not in m2m}, m2m)


# --- State profiles ---------------------------------------------------------------------------


@transaction.atomic
def profile_create(
    *, state: Organisation, measure: str, by: User | None, reason: str = "", **data: Any
) -> StateProfile:
    profile = StateProfile(state=state, measure=measure)
    m2m = _apply(profile, data, ["restricted_to"])
    save_with_history(profile, by=by, reason=reason, m2m=m2m)
    index_update(profile)
    return profile


@transaction.atomic
def profile_update(*, profile: StateProfile, by: User | None, reason: str = "", **data: Any) -> StateProfile:
    profile = StateProfile.objects.select_for_update().get(pk=profile.pk)
    pending = _pending(profile, data, ["restricted_to"])
    if not pending:  # as practice_update
        return unchanged(profile)
    m2m = _apply(profile, data, ["restricted_to"])
    save_with_history(profile, by=by, reason=reason, m2m=m2m, links=pending.links)
    index_update(profile)
    return profile


@transaction.atomic
def profile_verify(*, profile: StateProfile, by: User, on: date | None = None) -> StateProfile:
    """The section was checked and is still accurate: "last verified on <today> by <user>"."""
    profile = StateProfile.objects.select_for_update().get(pk=profile.pk)
    profile.last_verified_on = on or timezone.localdate()
    profile.last_verified_by = by
    save_with_history(profile, by=by, reason=_("Verified as accurate"))
    return profile


@transaction.atomic
def proposal_create(
    *, profile: StateProfile, by: User, changes: dict[str, Any], reason: str = ""
) -> ProfileChangeProposal:
    """Keep only the fields that differ from the profile; refuse unknown fields and empty proposals."""
    unknown = set(changes) - set(StateProfile.EDITABLE)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    differing = {}
    for name, value in changes.items():
        current = getattr(profile, name)
        if (current or "") != (value or ""):
            differing[name] = value.isoformat() if isinstance(value, date) else value
    if not differing:
        raise ServiceError(_("The proposal changes nothing: edit at least one field."))
    proposal = ProfileChangeProposal(profile=profile, proposed_by=by, changes=differing, reason=reason)
    return save_with_history(proposal, by=by, reason=reason)


def _decide(proposal: ProfileChangeProposal, status: str, by: User, note: str) -> ProfileChangeProposal:
    proposal = ProfileChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise ServiceError(
            _("This proposal was already %(status)s.") % {"status": proposal.get_status_display()}
        )
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    return save_with_history(proposal, by=by, reason=note)


@transaction.atomic
def proposal_accept(*, proposal: ProfileChangeProposal, by: User, note: str = "") -> ProfileChangeProposal:
    """Apply the proposed values; the section counts as verified by its proposer today."""
    proposal = _decide(proposal, ProposalStatus.ACCEPTED, by, note)
    data: dict[str, Any] = dict(proposal.changes)
    if data.get("legislation_date"):
        data["legislation_date"] = date.fromisoformat(data["legislation_date"])
    reason = _("Accepted proposal #%(id)s") % {"id": proposal.pk}
    data.update(last_verified_on=timezone.localdate(), last_verified_by=proposal.proposed_by)
    profile_update(profile=proposal.profile, by=by, reason=reason, **data)
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: ProfileChangeProposal, by: User, note: str = "") -> ProfileChangeProposal:
    return _decide(proposal, ProposalStatus.DECLINED, by, note)


def profile_reminders_send(*, now: datetime, dry_run: bool = False) -> int:
    """E-mail each State's focal points the list of their profile sections that need verifying.
    Returns the number of e-mails sent (or that would be sent with dry_run)."""
    by_state: dict[int, list[StateProfile]] = defaultdict(list)
    for profile in selectors.stale_profiles(today=timezone.localdate(now)):
        by_state[profile.state_id].append(profile)
    if not by_state:
        return 0
    memberships = Membership.objects.filter(
        organisation_id__in=by_state, role=Role.STATE_FOCAL_POINT, user__is_active=True
    ).select_related("user", "organisation")
    sent = 0
    for membership in memberships:
        user = membership.user
        if not user.email:
            continue
        sent += 1
        if dry_run:
            continue
        context = {
            "user": user,
            "state": membership.organisation,
            "sections": by_state[membership.organisation_id],
            "site_url": settings.SITE_URL,
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Cooperation profile of %(state)s: sections to verify") % {
                "state": membership.organisation.display_name
            }
            body = render_to_string("knowledge/email_profile_reminder.txt", context)
        send_mail(subject, body, None, [user.email])
        notify(
            recipients=[user],
            verb=Verb.PROFILE_REMINDER,
            target=membership.organisation.display_name,
            count=len(by_state[membership.organisation_id]),
            url=reverse("knowledge:state", args=[membership.organisation.code]),
        )
    return sent


# --- Practices, case law, documents -------------------------------------------------------------


@transaction.atomic
def practice_create(*, by: User | None, reason: str = "", **data: Any) -> Practice:
    for name in ("body", "body_fr"):
        if name in data:
            data[name] = sanitise_html(data[name])
    practice = Practice()
    m2m = _apply(practice, data, ["recommendations", "restricted_to"])
    save_with_history(practice, by=by, reason=reason, m2m=m2m)
    index_update(practice)
    return practice


@transaction.atomic
def practice_update(
    *,
    practice: Practice,
    by: User | None,
    reason: str = "",
    expected_updated_at: datetime | None = None,
    **data: Any,
) -> Practice:
    """With `expected_updated_at` (when the editor opened the form), refuse to overwrite a newer save
    (ConcurrentEditError). Attachments wider than the practice's new access are narrowed to it."""
    for name in ("body", "body_fr"):
        if name in data:
            data[name] = sanitise_html(data[name])
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    pending = _pending(practice, data, ["recommendations", "restricted_to"])
    if not pending:  # nothing written, even from a stale form: no history, no index update
        return unchanged(practice)
    refuse_stale(practice, expected_updated_at)
    m2m = _apply(practice, data, ["recommendations", "restricted_to"])
    save_with_history(practice, by=by, reason=reason, m2m=m2m, links=pending.links)
    index_update(practice)
    _attachments_within(practice, by=by, reason=reason)
    return practice


ACCESS_RANK = {Visibility.PUBLIC: 0, Visibility.MEMBERS: 1, Visibility.RESTRICTED: 2}


def _attachments_within(practice: Practice, *, by: User | None, reason: str) -> None:
    """An attachment never reaches more people than its practice: after the practice's access narrows,
    each wider attachment is narrowed to it. Never widened: an annex may be more confidential."""
    named = set(practice.restricted_to.values_list("pk", flat=True))
    for document in practice.attachments.prefetch_related("restricted_to"):
        own = {org.pk for org in document.restricted_to.all()}
        if ACCESS_RANK[document.visibility] < ACCESS_RANK[practice.visibility]:
            visibility, orgs = practice.visibility, named
        elif practice.visibility == Visibility.RESTRICTED and not own <= named:
            visibility, orgs = Visibility.RESTRICTED, own & named
        else:
            continue
        document.visibility = visibility
        save_with_history(document, by=by, reason=reason, m2m={"restricted_to": orgs})
        index_update(document)


@transaction.atomic
def case_law_create(*, by: User | None, reason: str = "", **data: Any) -> CaseLaw:
    decision = CaseLaw()
    m2m = _apply(decision, data, ["recommendations", "profiles", "restricted_to"])
    save_with_history(decision, by=by, reason=reason, m2m=m2m)
    index_update(decision)
    return decision


@transaction.atomic
def case_law_update(
    *,
    decision: CaseLaw,
    by: User | None,
    reason: str = "",
    expected_updated_at: datetime | None = None,
    **data: Any,
) -> CaseLaw:
    """With `expected_updated_at`, refuse to overwrite a newer save (ConcurrentEditError)."""
    decision = CaseLaw.objects.select_for_update().get(pk=decision.pk)
    pending = _pending(decision, data, ["recommendations", "profiles", "restricted_to"])
    if not pending:  # as practice_update
        return unchanged(decision)
    refuse_stale(decision, expected_updated_at)
    m2m = _apply(decision, data, ["recommendations", "profiles", "restricted_to"])
    save_with_history(decision, by=by, reason=reason, m2m=m2m, links=pending.links)
    index_update(decision)
    return decision


@transaction.atomic
def document_upload(*, upload: UploadedFile, by: User | None, title: str, **data: Any) -> Document:
    """Check the file by its content, extract its text, store it under MEDIA_ROOT and index it."""
    checked = check_upload(upload)
    document = Document(
        filename=(upload.name or "document")[:255],
        file_type=checked.file_type,
        size=len(checked.content),
        text_content=checked.text,
    )
    m2m = _apply(document, {"title": title, **data}, ["restricted_to"], exclude=("file",))
    document.file.save(document.filename, ContentFile(checked.content), save=False)
    try:  # if the database write fails, the stored file must not linger
        save_with_history(document, by=by, m2m=m2m)
        index_update(document)
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def practice_document_attach(
    *, practice: Practice, upload: UploadedFile, by: User | None, title: str, title_fr: str, language: str
) -> Document:
    """A document attached to a practice takes the practice's access (organisation, visibility,
    restricted organisations): the attachments page and the API both come through here."""
    return document_upload(
        upload=upload,
        by=by,
        title=title,
        title_fr=title_fr,
        language=language,
        practice=practice,
        organisation=practice.organisation,
        visibility=practice.visibility,
        restricted_to=list(practice.restricted_to.all()),
    )


@transaction.atomic
def document_delete(*, document: Document, by: User | None, reason: str = "") -> None:
    """Remove the row, its index entry and, once the transaction commits, the stored file (a failed
    delete leaves both in place). The history keeps who deleted it and why."""
    storage, name = document.file.storage, document.file.name
    index_delete(document)
    document._history_user = by
    document._change_reason = reason
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
