"""Writes of the follow-up. Views, forms, commands and the demo call these; each checks who may act.

Refusals are ServiceError subclasses whose message says what is wrong and what is allowed.
"""

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.accounts.enums import OrganisationKind, Side
from coopreview.accounts.models import Organisation
from coopreview.core.edits import pending_changes, unchanged
from coopreview.core.exceptions import ServiceError
from coopreview.core.history import refuse_stale, save_with_history
from coopreview.followup.enums import ALLOWED_TRANSITIONS, CATEGORY_SIDES, Status, UpdateState
from coopreview.followup.models import (
    Action,
    Attachment,
    Categorisation,
    FollowupPart,
    ProgressUpdate,
    StakeholderView,
    Transition,
)
from coopreview.followup.overall import overall_lock, overall_refresh
from coopreview.inbox.enums import Verb
from coopreview.inbox.services import notify
from coopreview.recommendations.models import PriorityFlag, Recommendation
from coopreview.recommendations.services import recommendation_set_flag, recommendation_update
from coopreview.webhooks import payloads
from coopreview.webhooks.enums import WebhookEvent
from coopreview.webhooks.services import event_emit

ALLOWED_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}
MAX_ATTACHMENT_BYTES = getattr(settings, "FOLLOWUP_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
PART_FIELDS = ("assessment", "budgetary", "narrative", "lead", "confidential")


class FollowupError(ServiceError):
    """A follow-up refusal a user can act on."""


class TransitionNotAllowed(FollowupError):
    def __init__(self, current: str, target: str) -> None:
        self.current, self.target = current, target
        self.allowed = list(ALLOWED_TRANSITIONS.get(current, ()))
        allowed = ", ".join(str(Status(s).label) for s in self.allowed) or "—"
        super().__init__(
            _('A part that is "%(current)s" cannot become "%(target)s". Allowed: %(allowed)s.')
            % {"current": Status(current).label, "target": Status(target).label, "allowed": allowed}
        )


class WrongSide(FollowupError, PermissionDenied):
    """An edit by someone who does not act for that side (e.g. the Assembly's side on a Court part)."""


def _require(user: User | None, perm: str, obj: object, message: str) -> None:
    if user is None or not user.has_perm(perm, obj):
        raise WrongSide(message)


def _check_version(model: type, pk: int, expected: datetime | None):
    current = model.objects.select_for_update().get(pk=pk)
    refuse_stale(current, expected)
    return current


def _validate(instance, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise FollowupError(
            "; ".join(f"{_field_label(instance, f)}: {' '.join(m)}" for f, m in exc.message_dict.items())
        ) from exc


def _field_label(instance, name: str) -> str:
    if name == "__all__":
        return _("record")
    try:
        return str(instance._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 — a label is cosmetic
        return name


# ---------------------------------------------------------------- categorisation and parts


def part_addressees(*, recommendation: Recommendation, category: str) -> list[Organisation]:
    """The organisations that get a part: per organ when organs are named, else the Court/Assembly itself."""
    sides = CATEGORY_SIDES[category]
    named = list(recommendation.addressees.all())
    result: list[Organisation] = []
    for side in sides:
        mine = [o for o in named if o.side == side]
        organs = [o for o in mine if o.kind in (OrganisationKind.COURT_ORGAN, OrganisationKind.ASSEMBLY_BODY)]
        if side == Side.STATE:
            result += mine
        elif organs:
            result += organs
        elif mine:
            result += mine
        else:
            kind = OrganisationKind.COURT if side == Side.COURT else OrganisationKind.ASSEMBLY
            top = Organisation.objects.filter(kind=kind, parent__isnull=True).order_by("pk").first()
            if top is not None:
                result.append(top)
    return result


def parts_ensure(
    *, recommendation: Recommendation, category: str, by: User | None = None
) -> list[FollowupPart]:
    """Create the missing parts for `category` (existing parts, and their history, are never removed)."""
    parts = []
    for org in part_addressees(recommendation=recommendation, category=category):
        part = FollowupPart.objects.filter(recommendation=recommendation, addressee=org).first()
        if part is None:
            part = save_with_history(
                FollowupPart(recommendation=recommendation, addressee=org, side=org.side, lead=org),
                by=by,
                reason=_("Part created by the categorisation"),
            )
        parts.append(part)
    overall_refresh(recommendation_ids=[recommendation.pk])
    return parts


@transaction.atomic
def categorisation_propose(
    *,
    recommendation: Recommendation,
    category: str,
    by: User,
    rationale: str = "",
    proposed_by: Organisation | None = None,
    expected_updated_at: datetime | None = None,
    reason: str = "",
) -> Categorisation:
    """Record the Review Mechanism's proposed categorisation and create the parts it implies.

    A new proposal on an approved categorisation withdraws the approval (it must be approved again).
    `reason` goes into the history (a bulk change gives its own); by default "Categorisation proposed"."""
    _require(
        by,
        "followup.categorise",
        recommendation,
        _("Only Review Mechanism editors propose a categorisation."),
    )
    if category not in CATEGORY_SIDES:
        raise FollowupError(_("Unknown categorisation: %(value)s.") % {"value": category})
    current = Categorisation.objects.filter(recommendation=recommendation).first()
    if proposed_by is None:
        proposed_by = Organisation.objects.filter(code="RM").first()
    if current is not None:
        current = Categorisation.objects.select_for_update().get(pk=current.pk)
        same = {"category": category, "rationale": rationale, "proposed_by": proposed_by}
        if not pending_changes(current, same):
            # the form posted back as shown (stale or not): no history row; the parts it implies
            # exist already (parts are never removed), so nothing else is written either
            return unchanged(current)
        refuse_stale(current, expected_updated_at)
    cat = current or Categorisation(recommendation=recommendation)
    changed = cat.category != category
    cat.category, cat.rationale, cat.proposed_by = category, rationale, proposed_by
    if changed and cat.approved:
        cat.approved = False
    _validate(cat, exclude=["recommendation"])
    save_with_history(cat, by=by, reason=reason or _("Categorisation proposed"))
    kept = parts_ensure(recommendation=recommendation, category=category, by=by)
    # A side the new categorisation leaves out: its untouched parts close, recorded as a transition;
    # a part its side has already worked on is left to that side (never closed from the other side).
    for part in FollowupPart.objects.filter(recommendation=recommendation).exclude(
        pk__in=[p.pk for p in kept]
    ):
        if part.status in (Status.PROPOSED, Status.CATEGORISED) and not part.assessment:
            _move(part, Status.NOT_PURSUED, by=by, reason=_("Outside the new categorisation"))
    return cat


@transaction.atomic
def categorisation_approve(
    *,
    categorisation: Categorisation,
    by: User,
    approved_by: str,
    approved_on: date,
    approved_in: str = "",
    approval_link: str = "",
    expected_updated_at: datetime | None = None,
) -> Categorisation:
    """Record the approval (who, when, which meeting or decision); proposed parts become categorised."""
    _require(
        by,
        "followup.categorise",
        categorisation.recommendation,
        _("Only Review Mechanism editors record an approval."),
    )
    if not approved_by.strip():
        raise FollowupError(_("Approved by: say who approved the categorisation (e.g. the Bureau)."))
    if approved_on > timezone.localdate():
        raise FollowupError(_("Approved on: the date cannot be in the future."))
    cat = Categorisation.objects.select_for_update().get(pk=categorisation.pk)
    approval = {
        "approved": True,
        "approved_by": approved_by.strip(),
        "approved_on": approved_on,
        "approved_in": approved_in.strip(),
        "approval_link": approval_link.strip(),
    }
    if not pending_changes(cat, approval):
        return unchanged(cat)  # this very approval is recorded already: its parts moved then
    refuse_stale(cat, expected_updated_at)
    for name, value in approval.items():
        setattr(cat, name, value)
    cat.approval_recorded_by = by
    _validate(cat, exclude=["recommendation"])
    save_with_history(cat, by=by, reason=_("Categorisation approved"))
    for part in parts_ensure(recommendation=cat.recommendation, category=cat.category, by=by):
        if part.status == Status.PROPOSED:
            _move(
                part,
                Status.CATEGORISED,
                by=by,
                reason=_("Categorisation approved: %(in)s") % {"in": approved_in or approved_by},
            )
    _addressees_follow(cat, by=by)
    return cat


# The organisation that stands for a whole side when a categorisation adds that side.
SIDE_WHOLE = {Side.COURT: OrganisationKind.COURT, Side.ASSEMBLY: OrganisationKind.ASSEMBLY}


def _addressees_follow(cat: Categorisation, *, by: User) -> None:
    """The approved categorisation becomes the recommendation's addressees, so the list, its filter,
    the page, the annex, exports, search and the dashboard all show it. Organs and bodies already
    named on a side the categorisation keeps stay; a side it adds is named as a whole (the Court, the
    Assembly). The imported addressees stay in the recommendation's history, with the reason."""
    rec = Recommendation.objects.get(pk=cat.recommendation_id)
    current = list(rec.addressees.all())
    sides = CATEGORY_SIDES[cat.category]
    kept = [org for org in current if org.side in sides]
    for side in sides:
        whole = SIDE_WHOLE.get(side)
        if whole and not any(org.side == side for org in kept):
            kept += list(Organisation.objects.filter(kind=whole, parent=None).order_by("pk")[:1])
    if not kept or {o.pk for o in kept} == {o.pk for o in current}:
        return  # nothing to name (e.g. "States" with no State named) or nothing changes
    reason = _("Categorisation approved: %(category)s (%(by)s)") % {
        "category": cat.get_category_display(),
        "by": cat.approved_by,
    }
    recommendation_update(recommendation=rec, by=by, addressees=kept, reason=reason[:100])


@transaction.atomic
def stakeholder_view_record(
    *,
    recommendation: Recommendation,
    organisation: Organisation,
    by: User,
    position: str,
    category: str = "",
    rationale: str = "",
    priority_flag: PriorityFlag | None = None,
) -> StakeholderView:
    """Record (or revise) `organisation`'s view beside the categorisation; it never overwrites it."""
    _require(
        by,
        "followup.record_view",
        organisation,
        _("You can record a view only for an organisation you belong to."),
    )
    if not position.strip():
        raise FollowupError(_("Position: state the organisation's view."))
    if priority_flag is not None and priority_flag.owner_id != organisation.pk:
        raise FollowupError(
            _("Priority flag: “%(flag)s” is not %(org)s's own flag.")
            % {"flag": priority_flag.display_name, "org": organisation.display_name}
        )
    view = StakeholderView.objects.filter(recommendation=recommendation, organisation=organisation).first()
    wanted = {"position": position.strip(), "category": category, "rationale": rationale}
    if view is not None and not pending_changes(view, {**wanted, "priority_flag": priority_flag}):
        return unchanged(view)  # the same view again, whoever re-sends it: nothing to record
    view = view or StakeholderView(recommendation=recommendation, organisation=organisation)
    before = view.priority_flag
    view.position, view.category, view.rationale = position.strip(), category, rationale
    view.priority_flag, view.author = priority_flag, by
    _validate(view, exclude=["recommendation", "organisation"])
    saved = save_with_history(view, by=by, reason=_("Stakeholder view recorded"))
    # One truth: the view's flag is the recommendation's flag, set and cleared by the same service.
    if before is not None and before != priority_flag:
        recommendation_set_flag(recommendation=recommendation, flag=before, on=False, by=by)
    if priority_flag is not None:
        recommendation_set_flag(recommendation=recommendation, flag=priority_flag, on=True, by=by)
    return saved


@transaction.atomic
def part_update(
    *,
    part: FollowupPart,
    by: User,
    reason: str = "",
    expected_updated_at: datetime | None = None,
    **data,
) -> FollowupPart:
    """Edit a part's assessment, budgetary implications, narrative or lead. Only its own side may.

    With `expected_updated_at`, a newer save by someone else is not overwritten (ConcurrentEditError).
    Values equal to the stored ones: nothing is written (core.edits.saved_nothing on the result)."""
    _require(
        by,
        "followup.change_part",
        part,
        _("The %(side)s part of this recommendation is edited only by the %(side)s's own roles.")
        % {"side": part.get_side_display()},
    )
    unknown = set(data) - set(PART_FIELDS)
    if unknown:
        raise FollowupError(
            _("These fields cannot be edited here: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    if data.get("confidential") and part.side != Side.COURT:
        raise FollowupError(_("Only a Court part can be kept confidential to its lead organ."))
    lead = data.get("lead")
    if lead is not None and lead.side != part.side:
        raise FollowupError(
            _("Lead: %(lead)s is not on the %(side)s's side.")
            % {"lead": lead, "side": part.get_side_display()}
        )
    overall_lock(recommendation_ids=[part.recommendation_id])  # before the part: one lock order
    current = FollowupPart.objects.select_for_update().get(pk=part.pk)
    if not pending_changes(current, data):  # nothing written, even from a stale form
        part.refresh_from_db()
        return unchanged(part)
    refuse_stale(current, expected_updated_at)
    for name, value in data.items():
        setattr(current, name, value)
    _validate(current, exclude=["recommendation", "addressee"])
    save_with_history(current, by=by, reason=reason)
    overall_refresh(recommendation_ids=[current.recommendation_id])  # lead or confidentiality may change
    part.refresh_from_db()
    return part


def _move(part: FollowupPart, status: str, *, by: User | None, reason: str) -> FollowupPart:
    if status not in ALLOWED_TRANSITIONS.get(part.status, ()):
        raise TransitionNotAllowed(part.status, status)
    overall_lock(recommendation_ids=[part.recommendation_id])  # before the part's update: one lock order
    Transition.objects.create(
        part=part, from_status=part.status, to_status=status, by=by, reason=reason[:500]
    )
    moved = payloads.status_moved(part, from_status=part.status, to_status=status)
    part.status = status
    save_with_history(part, by=by, reason=reason)
    overall_refresh(recommendation_ids=[part.recommendation_id])
    event_emit(event=WebhookEvent.STATUS_CHANGED, data=moved)  # every status move comes through here
    return part


@transaction.atomic
def part_transition(
    *,
    part: FollowupPart,
    status: str,
    by: User,
    reason: str = "",
    expected_updated_at: datetime | None = None,
) -> FollowupPart:
    """Move `part` to `status` if the workflow allows it (TransitionNotAllowed lists what is allowed)."""
    _require(
        by,
        "followup.change_part",
        part,
        _("The %(side)s part of this recommendation is edited only by the %(side)s's own roles.")
        % {"side": part.get_side_display()},
    )
    if status not in Status.values:
        raise FollowupError(_("Unknown status: %(value)s.") % {"value": status})
    overall_lock(recommendation_ids=[part.recommendation_id])  # before the part: one lock order
    current = _check_version(FollowupPart, part.pk, expected_updated_at)
    if status == Status.ASSESSED and not current.assessment:
        raise FollowupError(_("Assessment: record the assessment before marking the part assessed."))
    _move(current, status, by=by, reason=reason)
    part.refresh_from_db()
    return part


# ---------------------------------------------------------------- action plans


def _check_dates(start: date | None, due: date | None) -> None:
    if start and due and due < start:
        raise FollowupError(
            _("Due date: %(due)s is before the start date %(start)s.") % {"due": due, "start": start}
        )


@transaction.atomic
def action_create(
    *,
    by: User,
    title: str,
    lead: Organisation,
    recommendations: Iterable[Recommendation],
    description: str = "",
    start: date | None = None,
    due: date | None = None,
    progress: int = 0,
) -> Action:
    _require(by, "followup.manage_action", lead, _("Only the lead's own side plans its actions."))
    recommendations = list(recommendations)
    if not recommendations:
        raise FollowupError(_("Recommendations: link the action to at least one recommendation."))
    _check_dates(start, due)
    action = Action(
        title=title.strip(),
        description=description,
        lead=lead,
        start=start,
        due=due,
        progress=progress,
        created_by=by,
    )
    _validate(action)
    save_with_history(action, by=by, reason=_("Action planned"), m2m={"recommendations": recommendations})
    for rec in recommendations:  # a part of the lead's side moves to "action planned" when it can
        for part in FollowupPart.objects.filter(recommendation=rec, side=lead.side, status=Status.ASSESSED):
            if by.has_perm("followup.change_part", part):
                _move(
                    part,
                    Status.ACTION_PLANNED,
                    by=by,
                    reason=_("Action planned: %(t)s") % {"t": action.title},
                )
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    by: User,
    reason: str = "",
    expected_updated_at: datetime | None = None,
    recommendations: Iterable[Recommendation] | None = None,
    **data,
) -> Action:
    _require(by, "followup.manage_action", action, _("Only the lead's own side edits its actions."))
    if "lead" in data:
        _require(by, "followup.manage_action", data["lead"], _("Only the lead's own side plans its actions."))
    current = Action.objects.select_for_update().get(pk=action.pk)
    m2m = {"recommendations": list(recommendations)} if recommendations is not None else None
    pending = pending_changes(current, data, m2m)
    if not pending:  # nothing written, even from a stale form
        action.refresh_from_db()
        return unchanged(action)
    refuse_stale(current, expected_updated_at)
    for name, value in data.items():
        setattr(current, name, value)
    _check_dates(current.start, current.due)
    _validate(current)
    if m2m is not None and not m2m["recommendations"]:
        raise FollowupError(_("Recommendations: link the action to at least one recommendation."))
    save_with_history(current, by=by, reason=reason, m2m=m2m, links=pending.links)
    action.refresh_from_db()
    return action


def _check_attachment(upload: UploadedFile) -> str:
    name = upload.name or ""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_ATTACHMENT_TYPES:
        raise FollowupError(
            _("Attachment %(name)s: files of type %(type)s are not accepted (allowed: %(allowed)s).")
            % {"name": name, "type": suffix or "?", "allowed": ", ".join(sorted(ALLOWED_ATTACHMENT_TYPES))}
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise FollowupError(
            _("Attachment %(name)s: %(size)d bytes is more than the limit of %(limit)d bytes.")
            % {"name": name, "size": upload.size, "limit": MAX_ATTACHMENT_BYTES}
        )
    return name


@transaction.atomic
def progress_update_create(
    *,
    action: Action,
    by: User,
    text: str,
    progress: int | None = None,
    attachments: Iterable[tuple[UploadedFile, str]] = (),
) -> ProgressUpdate:
    """A progress report, pending until an editor validates it. Attachments: (file, kind) pairs."""
    _require(by, "followup.post_update", action, _("Only the lead's side reports progress on this action."))
    if not text.strip():
        raise FollowupError(_("Text: a progress update needs a text."))
    attachments = list(attachments)
    names = [_check_attachment(f) for f, _kind in attachments]
    update = ProgressUpdate(action=action, text=text.strip(), progress=progress, author=by)
    _validate(update)
    save_with_history(update, by=by, reason=_("Progress update submitted"))
    notify(
        recipients=_editors(),
        verb=Verb.UPDATE_SUBMITTED,
        target=action.title,
        url=reverse("followup:action", args=[action.pk]),
        actor=by,
    )
    for (upload, kind), name in zip(attachments, names, strict=True):
        att = Attachment(update=update, original_name=name[:255], kind=kind or "other", size=upload.size)
        att.file.save(name, upload, save=False)
        save_with_history(att, by=by)
    return update


@transaction.atomic
def progress_update_validate(
    *, update: ProgressUpdate, by: User, publish: bool = True, reason: str = ""
) -> ProgressUpdate:
    """Publish (or return to its author) a pending update; publishing applies its progress figure."""
    _require(by, "followup.validate_update", update, _("Only editors validate progress updates."))
    update = ProgressUpdate.objects.select_for_update().get(pk=update.pk)
    if update.state != UpdateState.PENDING:
        raise FollowupError(
            _("This update has already been %(state)s.") % {"state": update.get_state_display().lower()}
        )
    update.state = UpdateState.PUBLISHED if publish else UpdateState.REJECTED
    update.validated_by, update.validated_at = by, timezone.now()
    save_with_history(update, by=by, reason=reason or (_("Published") if publish else _("Returned")))
    notify(
        recipients=[update.author],
        verb=Verb.UPDATE_PUBLISHED if publish else Verb.UPDATE_RETURNED,
        target=update.action.title,
        url=reverse("followup:action", args=[update.action_id]),
        actor=by,
    )
    if publish and update.progress is not None:
        action = update.action
        action.progress = update.progress
        save_with_history(action, by=by, reason=_("Progress update published"))
        if update.progress > 0:
            for rec in action.recommendations.all():
                for part in FollowupPart.objects.filter(
                    recommendation=rec, side=action.lead.side, status=Status.ACTION_PLANNED
                ):
                    _move(part, Status.IN_PROGRESS, by=update.author, reason=_("Progress reported"))
    event_emit(event=WebhookEvent.PROGRESS_VALIDATED, data=payloads.progress_validated(update))
    return update


# ---------------------------------------------------------------- reminders and notifications


def _editors() -> list[User]:
    """Active Review Mechanism editors: the people who validate progress updates."""
    from coopreview.accounts.enums import EDITOR_ROLES

    return list(
        User.objects.filter(is_active=True, memberships__role__in=EDITOR_ROLES).distinct().order_by("pk")
    )


def reminders_send(
    *, days: int = 14, today: date | None = None, dry_run: bool = False
) -> list[tuple[str, list[str]]]:
    """Email each member of each lead about its actions due within `days` or overdue, once a day per item.

    One email per person listing their items; a ReminderSent row per (action, person, day) makes a second
    run the same day send nothing. Only actions the person may see are mentioned. Returns (email, titles)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from coopreview.accounts.enums import Role
    from coopreview.accounts.models import Membership
    from coopreview.followup.models import ReminderSent
    from coopreview.followup.selectors import actions_due, actions_visible_to

    if days < 0:
        raise FollowupError(_("--days must be zero or more (got %(days)d).") % {"days": days})
    today = today or timezone.localdate()
    due = list(actions_due(days=days, today=today))
    members = (
        Membership.objects.filter(organisation_id__in={a.lead_id for a in due}, user__is_active=True)
        .exclude(role=Role.OBSERVER)
        .exclude(user__email="")
        .select_related("user")
    )
    by_user: dict[int, tuple[User, set[int]]] = {}
    for m in members:
        by_user.setdefault(m.user_id, (m.user, set()))[1].add(m.organisation_id)
    already = set(ReminderSent.objects.filter(day=today, action__in=due).values_list("action_id", "user_id"))
    sent: list[tuple[str, list[str]]] = []
    for user, orgs in by_user.values():
        visible = set(
            actions_visible_to(user=user).filter(pk__in=[a.pk for a in due]).values_list("pk", flat=True)
        )
        items = [a for a in due if a.lead_id in orgs and a.pk in visible and (a.pk, user.pk) not in already]
        if not items:
            continue
        sent.append((user.email, [a.title for a in items]))
        if dry_run:
            continue
        context = {"user": user, "items": items, "today": today, "days": days}
        with transaction.atomic():
            for a in items:
                ReminderSent.objects.create(action=a, user=user, day=today)
            send_mail(
                subject=_("coopreview: %(n)d follow-up action(s) due or overdue") % {"n": len(items)},
                message=render_to_string("followup/email/reminder.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
            notify(
                recipients=[user],
                verb=Verb.REMINDER,
                target="; ".join(a.title for a in items),
                count=len(items),
                url=reverse("inbox:my-work"),
            )
    return sent
