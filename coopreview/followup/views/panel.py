"""The follow-up panel on a recommendation's page and the edits made from it.

Each form posts to its own URL. With htmx the view answers with the re-rendered panel (errors inline,
status 4xx, swapped by followup.js); without JavaScript it redirects back, or shows the form alone."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.accounts.layers import may_read_version
from coopreview.accounts.models import Organisation
from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_download_if_non_public
from coopreview.core.access import get_or_404, require_perm, safe_next
from coopreview.core.edits import report_saved, saved_message
from coopreview.core.exceptions import ConcurrentEditError, ServiceError
from coopreview.core.history import as_of
from coopreview.followup import selectors, services
from coopreview.followup.forms import (
    ActionForm,
    ApprovalForm,
    AsOfForm,
    CategorisationForm,
    PartForm,
    ProgressUpdateForm,
    StakeholderViewForm,
    TransitionForm,
)
from coopreview.followup.models import Action, Attachment, Categorisation, FollowupPart, StakeholderView
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import recommendation_get, recommendations_visible_to


def _forms(request: HttpRequest, rec: Recommendation, data, overrides: dict[str, Any]) -> dict[str, Any]:
    """Every form the user may use on this panel; `overrides` holds a bound form with its errors."""
    user = request.user
    fu = selectors.recommendation_followup(user=user, recommendation=rec)
    cat = fu.categorisation
    ctx: dict[str, Any] = {"fu": fu, "rec": rec}
    if user.has_perm("followup.categorise", rec):
        ctx["categorise_form"] = overrides.get("categorise") or CategorisationForm(
            initial={"category": cat.category, "rationale": cat.rationale, "version": cat.updated_at}
            if cat
            else {},
            auto_id="id_cat_%s",
        )
        if cat:
            ctx["approve_form"] = overrides.get("approve") or ApprovalForm(
                initial={
                    "approved_by": cat.approved_by or _("Bureau of the Assembly"),
                    "approved_on": cat.approved_on,
                    "approved_in": cat.approved_in,
                    "approval_link": cat.approval_link,
                    "version": cat.updated_at,
                },
                auto_id="id_appr_%s",
            )
    orgs = selectors.view_organisations_for(user=user)
    if user.is_authenticated and orgs.exists():
        only = orgs.first() if orgs.count() == 1 else None  # preselect the only possible one
        ctx["view_form"] = overrides.get("view") or StakeholderViewForm(
            organisations=orgs, auto_id="id_view_%s", initial={"organisation": only}
        )
    parts = []
    for part in fu.parts:
        can = user.has_perm("followup.change_part", part)
        parts.append(
            {
                "part": part,
                "can_edit": can,
                "form": (overrides.get(f"part-{part.pk}") or PartForm(part=part, auto_id=f"id_p{part.pk}_%s"))
                if can
                else None,
                "tform": (
                    overrides.get(f"transition-{part.pk}")
                    or TransitionForm(part=part, auto_id=f"id_t{part.pk}_%s")
                )
                if can
                else None,
                "open": f"part-{part.pk}" in overrides or f"transition-{part.pk}" in overrides,
            }
        )
    ctx["parts"] = parts
    actions = []
    for action in fu.actions:
        can_post = user.has_perm("followup.post_update", action)
        actions.append(
            {
                "action": action,
                "can_post": can_post,
                "form": (
                    overrides.get(f"update-{action.pk}") or ProgressUpdateForm(auto_id=f"id_u{action.pk}_%s")
                )
                if can_post
                else None,
            }
        )
    ctx["actions"] = actions
    leads = selectors.leads_for(user=user)
    if user.is_authenticated and leads.exists():
        ctx["action_form"] = overrides.get("action") or ActionForm(
            leads=leads,
            recommendations=recommendations_visible_to(user=user).select_related("source"),
            initial={"recommendations": [rec.pk]},
            auto_id="id_act_%s",
        )
    ctx["can_validate"] = user.has_perm("followup.validate_update")
    ctx["conflict"] = overrides.get("conflict")
    ctx["error"] = overrides.get("error")
    ctx["notice"] = overrides.get("notice")
    return ctx


def _snapshot(request: HttpRequest, rec: Recommendation, when) -> dict[str, Any]:
    """The follow-up of `rec` as it stood at the end of `when` (from the history); withheld when the user
    could not open the recommendation then (the rule of that time and of now)."""
    moment = selectors.end_of_day(when)
    if not may_read_version(request.user, current=rec, version=as_of(rec, moment)):
        return {"when": when, "withheld": True}
    parts = selectors.parts_as_of(user=request.user, when=when, recommendations=[rec])
    cat = Categorisation.objects.filter(recommendation=rec).first()
    views = [as_of(v, moment) for v in StakeholderView.objects.filter(recommendation=rec)]
    actions = [
        as_of(a, moment) for a in selectors.actions_visible_to(user=request.user).filter(recommendations=rec)
    ]
    return {
        "when": when,
        "parts": parts,
        "overall": selectors.overall_status(p.status for p in parts),
        "cat": as_of(cat, moment) if cat else None,
        "views": [v for v in views if v is not None],
        "actions": [a for a in actions if a is not None],
        "orgs": {
            o.pk: o.display_name for o in Organisation.objects.filter(pk__in=[p.addressee_id for p in parts])
        },
    }


def recommendation_panel(request: HttpRequest, recommendation: Recommendation) -> str:
    """The panel on the recommendation page (declared in FollowupConfig.recommendation_panels).

    With the page's ?as_of=<date>, the follow-up as it stood then (read only)."""
    form = AsOfForm(request.GET)
    if request.GET.get("as_of"):
        if not form.is_valid():
            return ""  # the recommendation page itself answers 400 and names the field
        ctx = {
            "rec": recommendation,
            "snapshot": _snapshot(request, recommendation, form.cleaned_data["as_of"]),
        }
        return render_to_string("followup/_snapshot.html", ctx, request=request)
    return render_to_string(
        "followup/_panel_wrapper.html", _forms(request, recommendation, None, {}), request=request
    )


def _rec(request: HttpRequest, pk: int) -> Recommendation:
    return get_or_404(lambda: recommendation_get(user=request.user, pk=pk))


def _detail_url(rec: Recommendation) -> str:
    return reverse("recommendations:detail", args=[rec.pk]) + "#followup"


def _done(request: HttpRequest, rec: Recommendation, message: str) -> HttpResponse:
    if request.htmx:
        return render(request, "followup/_panel.html", _forms(request, rec, None, {"notice": message}))
    messages.success(request, message)
    return redirect(_detail_url(rec))


def _failed(
    request: HttpRequest, rec: Recommendation, key: str, form, status: int, conflict=None
) -> HttpResponse:
    if request.htmx:
        ctx = _forms(request, rec, None, {key: form, "conflict": conflict, "error": True})
        return render(request, "followup/_panel.html", ctx, status=status)
    ctx = {
        "rec": rec,
        "form": form,
        "conflict": conflict,
        "action_url": request.path,
        "back": _detail_url(rec),
    }
    return render(request, "followup/form_page.html", ctx, status=status)


def _attempt(request, rec, key, form, call) -> HttpResponse:
    """Run a service call; turn its refusals into form errors with the right status."""
    try:
        message = call()
    except ConcurrentEditError as exc:
        form.add_error(None, str(exc))
        return _failed(request, rec, key, form, 409, conflict=exc)
    except PermissionDenied:
        raise
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return _failed(request, rec, key, form, 422)
    return _done(request, rec, message)


@require_GET
def panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The follow-up of one recommendation: today's (the panel) or "as of" a past date (?as_of=)."""
    rec = _rec(request, pk)
    if request.GET.get("as_of"):  # empty: today's follow-up
        form = AsOfForm(request.GET)
        if not form.is_valid():
            return render(request, "followup/record.html", {"rec": rec, "asof_form": form}, status=400)
        snapshot = _snapshot(request, rec, form.cleaned_data["as_of"])
        return render(request, "followup/record.html", {"rec": rec, "snapshot": snapshot})
    template = "followup/_panel.html" if request.htmx else "followup/record.html"
    return render(request, template, _forms(request, rec, None, {}))


@require_POST
@login_required
def categorise_view(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _rec(request, pk)
    require_perm(request.user, "followup.categorise", rec)
    form = CategorisationForm(request.POST, auto_id="id_cat_%s")
    if not form.is_valid():
        return _failed(request, rec, "categorise", form, 422)

    def call() -> str:
        saved = services.categorisation_propose(
            recommendation=rec,
            category=form.cleaned_data["category"],
            rationale=form.cleaned_data["rationale"],
            by=request.user,
            expected_updated_at=form.cleaned_data["version"],
        )
        return saved_message(saved, _("Categorisation proposed."))

    return _attempt(request, rec, "categorise", form, call)


@require_POST
@login_required
def approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _rec(request, pk)
    require_perm(request.user, "followup.categorise", rec)
    cat = get_or_404(lambda: rec.categorisation)
    form = ApprovalForm(request.POST, auto_id="id_appr_%s")
    if not form.is_valid():
        return _failed(request, rec, "approve", form, 422)
    data = form.cleaned_data

    def call() -> str:
        saved = services.categorisation_approve(
            categorisation=cat,
            by=request.user,
            approved_by=data["approved_by"],
            approved_on=data["approved_on"],
            approved_in=data["approved_in"],
            approval_link=data["approval_link"],
            expected_updated_at=data["version"],
        )
        return saved_message(saved, _("Approval recorded."))

    return _attempt(request, rec, "approve", form, call)


@require_POST
@login_required
def stakeholder_view_view(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _rec(request, pk)
    orgs = selectors.view_organisations_for(user=request.user)
    if not orgs.exists():
        raise PermissionDenied
    form = StakeholderViewForm(request.POST, organisations=orgs, auto_id="id_view_%s")
    if not form.is_valid():
        return _failed(request, rec, "view", form, 422)

    def call() -> str:
        saved = services.stakeholder_view_record(recommendation=rec, by=request.user, **form.cleaned_data)
        return saved_message(saved, _("View recorded."))

    return _attempt(request, rec, "view", form, call)


def _part(request: HttpRequest, pk: int) -> FollowupPart:
    part = get_or_404(lambda: selectors.parts_visible_to(user=request.user).get(pk=pk))
    require_perm(request.user, "followup.change_part", part)
    return part


@require_POST
@login_required
def part_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    rec = _rec(request, part.recommendation_id)
    key = f"part-{part.pk}"
    form = PartForm(request.POST, part=part, auto_id=f"id_p{part.pk}_%s")
    if not form.is_valid():
        return _failed(request, rec, key, form, 422)
    data = dict(form.cleaned_data)
    version, reason = data.pop("version"), data.pop("reason")

    def call() -> str:
        saved = services.part_update(
            part=part, by=request.user, reason=reason, expected_updated_at=version, **data
        )
        return saved_message(saved, _("%(part)s saved.") % {"part": part.addressee.display_name})

    return _attempt(request, rec, key, form, call)


@require_POST
@login_required
def part_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    part = _part(request, pk)
    rec = _rec(request, part.recommendation_id)
    key = f"transition-{part.pk}"
    form = TransitionForm(request.POST, part=part, auto_id=f"id_t{part.pk}_%s")
    if not form.is_valid():
        return _failed(request, rec, key, form, 422)

    def call() -> str:
        services.part_transition(
            part=part,
            by=request.user,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            expected_updated_at=form.cleaned_data["version"],
        )
        return _("Status changed.")

    return _attempt(request, rec, key, form, call)


@require_POST
@login_required
def action_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _rec(request, pk)
    leads = selectors.leads_for(user=request.user)
    if not leads.exists():
        raise PermissionDenied
    form = ActionForm(
        request.POST,
        leads=leads,
        recommendations=recommendations_visible_to(user=request.user),
        auto_id="id_act_%s",
    )
    if not form.is_valid():
        return _failed(request, rec, "action", form, 422)
    data = dict(form.cleaned_data)
    data.pop("version")

    def call() -> str:
        action = services.action_create(by=request.user, **data)
        return _("Action “%(title)s” planned.") % {"title": action.title}

    return _attempt(request, rec, "action", form, call)


def _action(request: HttpRequest, pk: int) -> Action:
    return get_or_404(lambda: selectors.actions_visible_to(user=request.user).get(pk=pk))


@require_http_methods(["GET", "POST"])
def action_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An action, its updates and, for its lead's side, the form to edit it (concurrent saves refused)."""
    action = _action(request, pk)
    can_manage = request.user.is_authenticated and request.user.has_perm("followup.manage_action", action)
    form, conflict, status = None, None, 200
    if can_manage:
        form = ActionForm(
            request.POST if request.method == "POST" else None,
            leads=selectors.leads_for(user=request.user),
            recommendations=recommendations_visible_to(user=request.user).select_related("source"),
            initial=ActionForm.initial_for(action),
            auto_id="id_edit_%s",
        )
        del form.fields["progress"]  # progress moves only through validated progress updates
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None:
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            # recommendations the user cannot see stay linked: the form only offers the visible ones
            hidden = list(
                action.recommendations.exclude(pk__in=recommendations_visible_to(user=request.user))
            )
            data["recommendations"] = [*data["recommendations"], *hidden]
            try:
                saved = services.action_update(
                    action=action, by=request.user, expected_updated_at=version, **data
                )
            except ConcurrentEditError as exc:
                conflict, status = exc, 409
                form.add_error(None, str(exc))
            except ServiceError as exc:
                status = 422
                form.add_error(None, str(exc))
            else:
                report_saved(request, saved, _("Action saved."))
                return redirect("followup:action", pk=action.pk)
        else:
            status = 422
    updates = (
        selectors.updates_visible_to(user=request.user).filter(action=action).prefetch_related("attachments")
    )
    recs = (
        recommendations_visible_to(user=request.user).filter(followup_actions=action).select_related("source")
    )
    ctx = {
        "action": action,
        "updates": updates,
        "recs": recs,
        "can_validate": request.user.has_perm("followup.validate_update"),
        "form": form,
        "conflict": conflict,
    }
    return render(request, "followup/action_detail.html", ctx, status=status)


@require_POST
@login_required
def update_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    require_perm(request.user, "followup.post_update", action)
    rec_pk = request.POST.get("from_recommendation") or ""
    rec = _rec(request, int(rec_pk)) if rec_pk.isdigit() else action.recommendations.first()
    rec = _rec(request, rec.pk)
    key = f"update-{action.pk}"
    form = ProgressUpdateForm(request.POST, request.FILES, auto_id=f"id_u{action.pk}_%s")
    if not form.is_valid():
        return _failed(request, rec, key, form, 422)
    data = form.cleaned_data
    attachments = [(data["attachment"], data["kind"])] if data.get("attachment") else []

    def call() -> str:
        services.progress_update_create(
            action=action,
            by=request.user,
            text=data["text"],
            progress=data["progress"],
            attachments=attachments,
        )
        return _("Progress update submitted: an editor will validate it before it is published.")

    return _attempt(request, rec, key, form, call)


@require_POST
@login_required
def update_validate_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "followup.validate_update")
    update = get_or_404(lambda: selectors.updates_visible_to(user=request.user).get(pk=pk))
    publish = request.POST.get("decision") != "return"
    try:
        services.progress_update_validate(update=update, by=request.user, publish=publish)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect(safe_next(request, reverse("followup:action", args=[update.action_id])))
    rec_pk = request.POST.get("from_recommendation") or ""
    message = _("Update published.") if publish else _("Update returned to its author.")
    if rec_pk.isdigit():
        return _done(request, _rec(request, int(rec_pk)), message)
    messages.success(request, message)
    return redirect("followup:action", pk=update.action_id)


@require_GET
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    """Attachments are served only through here: whoever may see the update may download its files."""
    att = get_or_404(lambda: Attachment.objects.select_related("update").get(pk=pk))
    if not selectors.updates_visible_to(user=request.user).filter(pk=att.update_id).exists():
        raise Http404
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_download_if_non_public(
        action=AuditAction.DOWNLOAD,
        recommendation_ids=Recommendation.objects.filter(followup_actions__updates=att.update_id),
        what=att.original_name,
        detail={"attachment": att.pk},
    )
    return FileResponse(handle, as_attachment=True, filename=att.original_name)
