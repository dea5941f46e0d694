"""Writes of requests for assistance: keyword-only, atomic, checked. Views, the CLI and the demo call
these; a refusal is an AssistanceError whose message the user can act on."""

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.accounts.enums import OrganisationKind, Role
from coopreview.accounts.models import Membership, Organisation
from coopreview.assistance import access, drafting
from coopreview.assistance.enums import CLOSING, Status
from coopreview.assistance.models import (
    AssistanceRequest,
    Correspondence,
    Obstacle,
    RequestReminderSent,
    RequestTemplate,
    StatusChange,
)
from coopreview.core.exceptions import ServiceError
from coopreview.inbox.enums import Verb
from coopreview.inbox.services import notify
from coopreview.knowledge import conf as knowledge_conf


class AssistanceError(ServiceError):
    """A refusal with a message for the user."""


# Who may move a request from one status to the next: the requesting organ ("organ") or the requested
# State's focal points ("state"). Withdrawing is the organ's alone; sending needs the checklist done.
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    Status.DRAFT: {Status.SENT: frozenset({"organ"}), Status.WITHDRAWN: frozenset({"organ"})},
    Status.SENT: {
        Status.ACKNOWLEDGED: frozenset({"organ", "state"}),
        Status.IN_EXECUTION: frozenset({"organ", "state"}),
        Status.REFUSED: frozenset({"organ", "state"}),
        Status.WITHDRAWN: frozenset({"organ"}),
    },
    Status.ACKNOWLEDGED: {
        Status.IN_EXECUTION: frozenset({"organ", "state"}),
        Status.PARTLY_EXECUTED: frozenset({"organ", "state"}),
        Status.EXECUTED: frozenset({"organ", "state"}),
        Status.REFUSED: frozenset({"organ", "state"}),
        Status.WITHDRAWN: frozenset({"organ"}),
    },
    Status.IN_EXECUTION: {
        Status.PARTLY_EXECUTED: frozenset({"organ", "state"}),
        Status.EXECUTED: frozenset({"organ", "state"}),
        Status.REFUSED: frozenset({"organ", "state"}),
        Status.WITHDRAWN: frozenset({"organ"}),
    },
}
ATTACHMENT_TYPES = {".pdf", ".docx", ".txt", ".odt"}


def _sides(user: User, request: AssistanceRequest) -> set[str]:
    sides = set()
    if access.is_of_requesting_organ(user, request):
        sides.add("organ")
    if access.is_of_requested_state(user, request):
        sides.add("state")
    return sides


def next_statuses(*, user: User, request: AssistanceRequest) -> list[str]:
    """The statuses `user` may move `request` to now, in workflow order."""
    sides = _sides(user, request)
    allowed = TRANSITIONS.get(request.status, {})
    return [s for s in Status.values if s in allowed and allowed[s] & sides]


def _next_reference(today: date) -> str:
    prefix = f"RFA-{today.year}-"
    last = (
        AssistanceRequest.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def request_draft(
    *,
    by: User,
    requesting_organ: Organisation,
    requested_state: Organisation,
    kind: str,
    language: str,
    title: str,
    template: RequestTemplate | None = None,
    deadline: date | None = None,
) -> AssistanceRequest:
    """A new draft: the template filled in with the requested State's requirements, and the checklist."""
    if requesting_organ.pk not in access.organ_ids(by):
        raise AssistanceError(_("You may draft requests only for your own organ of the Court."))
    if requested_state.kind != OrganisationKind.STATE:
        raise AssistanceError(_("%(org)s is not a State.") % {"org": requested_state})
    if template is not None and (template.kind != kind or template.language != language):
        raise AssistanceError(_("The template is for another kind of assistance or another language."))
    if not title.strip():
        raise AssistanceError(_("The subject is empty."))
    request = AssistanceRequest(
        reference=_next_reference(timezone.localdate()),
        requesting_organ=requesting_organ,
        requested_state=requested_state,
        kind=kind,
        language=language,
        template=template,
        title=title.strip(),
        deadline=deadline,
        created_by=by,
    )
    req = drafting.requirements_for(user=by, state=requested_state, kind=kind, language=language)
    if template is not None:
        request.body = drafting.fill(template.body, drafting.placeholder_values(request=request, req=req))
    request.checklist = drafting.checklist_for(
        template_items=template.checklist_items if template else [], req=req, language=language
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # two drafts at the same instant took the same number
        raise AssistanceError(_("Another request was drafted at the same moment: try again.")) from exc
    StatusChange.objects.create(request=request, status=Status.DRAFT, on=timezone.localdate(), by=by)
    return request


def _require_organ(user: User, request: AssistanceRequest) -> None:
    if not access.is_of_requesting_organ(user, request):
        raise AssistanceError(_("Only the requesting organ may do this."))


@transaction.atomic
def request_update_draft(
    *, request: AssistanceRequest, by: User, title: str, body: str, deadline: date | None
) -> AssistanceRequest:
    _require_organ(by, request)
    if not request.is_draft:
        raise AssistanceError(_("The request has been sent: its text can no longer change."))
    if not title.strip():
        raise AssistanceError(_("The subject is empty."))
    request.title, request.body, request.deadline = title.strip(), body, deadline
    request.save(update_fields=["title", "body", "deadline", "updated_at"])
    return request


@transaction.atomic
def request_tick(*, request: AssistanceRequest, by: User, done: Iterable[int]) -> AssistanceRequest:
    """Mark the checklist items at positions `done` as done, the others as not done."""
    _require_organ(by, request)
    if not request.is_draft:
        raise AssistanceError(_("The request has been sent: its checklist is closed."))
    positions = set(done)
    if any(p < 0 or p >= len(request.checklist) for p in positions):
        raise AssistanceError(_("The checklist changed while you were ticking it: reload the page."))
    request.checklist = [{**entry, "done": i in positions} for i, entry in enumerate(request.checklist)]
    request.save(update_fields=["checklist", "updated_at"])
    return request


@transaction.atomic
def request_set_status(
    *,
    request: AssistanceRequest,
    by: User,
    status: str,
    on: date | None = None,
    note: str = "",
    obstacles: Iterable[Obstacle] = (),
) -> AssistanceRequest:
    """Move `request` to `status` as of `on` (today by default). Sending needs a complete checklist;
    a closing status records the obstacles met."""
    on = on or timezone.localdate()
    if status not in next_statuses(user=by, request=request):
        raise AssistanceError(
            _("You may not move this request from “%(old)s” to “%(new)s”.")
            % {"old": request.get_status_display(), "new": Status(status).label}
        )
    if on > timezone.localdate():
        raise AssistanceError(_("The date %(date)s is in the future.") % {"date": on.isoformat()})
    if status == Status.SENT and not request.checklist_complete:
        raise AssistanceError(_("Complete the checklist before marking the request as sent."))
    if request.sent_on and status != Status.WITHDRAWN and on < request.sent_on:
        raise AssistanceError(
            _("The date %(date)s is before the request was sent (%(sent)s).")
            % {"date": on.isoformat(), "sent": request.sent_on.isoformat()}
        )
    obstacles = list(obstacles)
    if obstacles and status not in CLOSING:
        raise AssistanceError(_("Obstacles are recorded when the request closes."))
    request.status = status
    if status == Status.SENT:
        request.sent_on = on
    elif status == Status.ACKNOWLEDGED or (
        request.acknowledged_on is None and request.sent_on and status != Status.WITHDRAWN
    ):
        # Executing or refusing implies the State received it: the first answer counts as acknowledgement.
        request.acknowledged_on = on
    if status in CLOSING:
        request.closed_on = max(on, request.sent_on) if request.sent_on else on
        request.closing_note = note
    request._change_reason = note[:100]
    request.save()
    if obstacles:
        request.obstacles.add(*obstacles)
    StatusChange.objects.create(request=request, status=status, on=on, by=by, note=note)
    _notify_parties(request=request, by=by)
    return request


@transaction.atomic
def request_share(
    *, request: AssistanceRequest, by: User, organisations: Iterable[Organisation]
) -> AssistanceRequest:
    """Share (or stop sharing) the request with these organisations; the requesting organ decides."""
    _require_organ(by, request)
    request.shared_with.set(list(organisations))
    return request


@transaction.atomic
def correspondence_add(
    *,
    request: AssistanceRequest,
    by: User,
    direction: str,
    on: date,
    summary: str,
    upload: UploadedFile | None = None,
) -> Correspondence:
    if not _sides(by, request):
        raise AssistanceError(_("Only the requesting organ and the requested State may add correspondence."))
    if not summary.strip():
        raise AssistanceError(_("The summary is empty."))
    if on > timezone.localdate():
        raise AssistanceError(_("The date %(date)s is in the future.") % {"date": on.isoformat()})
    entry = Correspondence(request=request, direction=direction, on=on, summary=summary.strip(), by=by)
    if upload is not None:
        name = Path(upload.name or "").name
        if Path(name).suffix.lower() not in ATTACHMENT_TYPES:
            raise AssistanceError(
                _("%(name)s: only PDF, DOCX, ODT and text files may be attached.") % {"name": name or "?"}
            )
        if upload.size > knowledge_conf.upload_max_bytes():
            raise AssistanceError(
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": name, "mb": knowledge_conf.upload_max_bytes() // (1024 * 1024)}
            )
        entry.filename = name[:255]
        entry.file.save(name, upload, save=False)
    entry.save()
    request.save(update_fields=["updated_at"])
    _notify_parties(request=request, by=by)
    return entry


def _parties(request: AssistanceRequest) -> list[User]:
    """Everyone who follows the request: the organ's focal points, and the State's once it has left."""
    orgs = [(request.requesting_organ_id, Role.COURT_FOCAL_POINT)]
    if not request.is_draft:
        orgs.append((request.requested_state_id, Role.STATE_FOCAL_POINT))
    users: dict[int, User] = {}
    for org, role in orgs:
        for m in Membership.objects.filter(
            organisation_id=org, role=role, user__is_active=True
        ).select_related("user"):
            users[m.user_id] = m.user
    return list(users.values())


def _notify_parties(*, request: AssistanceRequest, by: User | None) -> None:
    # The reference only: a notification must not carry the confidential subject into e-mail digests.
    notify(
        recipients=_parties(request),
        verb=Verb.ASSISTANCE_UPDATE,
        target=request.reference,
        url=reverse("assistance:detail", args=[request.pk]),
        actor=by,
    )


def reminders_send(
    *, today: date | None = None, days: int = 14, dry_run: bool = False
) -> list[tuple[str, list[str]]]:
    """E-mail the parties of each open request whose deadline is within `days` or past, once per request,
    person and day (a RequestReminderSent row), with an inbox notification. Returns (email, references)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    from coopreview.assistance.selectors import requests_due

    if days < 0:
        raise AssistanceError(_("--days must be zero or more (got %(days)d).") % {"days": days})
    today = today or timezone.localdate()
    due = list(requests_due(today=today, days=days))
    already = set(
        RequestReminderSent.objects.filter(day=today, request__in=due).values_list("request_id", "user_id")
    )
    by_user: dict[int, tuple[User, list[AssistanceRequest]]] = {}
    for request in due:
        for user in _parties(request):
            if user.email and (request.pk, user.pk) not in already:
                by_user.setdefault(user.pk, (user, []))[1].append(request)
    sent: list[tuple[str, list[str]]] = []
    for user, items in by_user.values():
        sent.append((user.email, [r.reference for r in items]))
        if dry_run:
            continue
        with transaction.atomic():
            for r in items:
                RequestReminderSent.objects.create(request=r, user=user, day=today)
            context = {
                "user": user,
                "items": items,
                "today": today,
                "days": days,
                "site_url": settings.SITE_URL,
            }
            send_mail(
                subject=_("coopreview: %(n)d request(s) for assistance due or overdue") % {"n": len(items)},
                message=render_to_string("assistance/email_reminder.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
            notify(
                recipients=[user],
                verb=Verb.ASSISTANCE_DUE,
                target=", ".join(r.reference for r in items),
                count=len(items),
                url=reverse("assistance:index"),
            )
    return sent


# --- Templates and the taxonomy of obstacles ------------------------------------------------------


@transaction.atomic
def template_save(*, by: User, template: RequestTemplate | None = None, **data) -> RequestTemplate:
    if not (access.organ_ids(by) or by.is_superuser or (by.is_authenticated and _is_admin(by))):
        raise AssistanceError(_("Only users of the Court and administrators write templates."))
    template = template or RequestTemplate()
    for name, value in data.items():
        setattr(template, name, value)
    template.save()
    return template


def _is_admin(user: User) -> bool:
    from coopreview.accounts.selectors import user_has_role

    return user_has_role(user, Role.ADMINISTRATOR)


@transaction.atomic
def obstacle_save(
    *, by: User, obstacle: Obstacle | None = None, recommendations=None, practices=None, **data
) -> Obstacle:
    if not (by.is_superuser or _is_admin(by)):
        raise AssistanceError(_("Only administrators edit the taxonomy of obstacles."))
    obstacle = obstacle or Obstacle()
    for name, value in data.items():
        setattr(obstacle, name, value)
    obstacle.save()
    if recommendations is not None:
        obstacle.recommendations.set(recommendations)
    if practices is not None:
        obstacle.practices.set(practices)
    return obstacle
