"""Pages of requests for assistance. Every request is fetched through the visibility selector (404 for
anyone else: a request's existence is itself confidential), every read of one is audited."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.assistance import drafting, exports, selectors, services
from coopreview.assistance.enums import Status
from coopreview.assistance.forms import (
    ChecklistForm,
    CorrespondenceForm,
    DraftEditForm,
    DraftForm,
    ShareForm,
    StatusForm,
    TemplateForm,
)
from coopreview.assistance.models import AssistanceRequest, RequestTemplate
from coopreview.assistance.statistics import MIN_COUNT, request_statistics
from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_record
from coopreview.core.access import get_or_404
from coopreview.core.history import history_timeline
from coopreview.followup.charts import bar_chart

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _may(user, perm: str, obj=None) -> bool:
    # The rules themselves, not user.has_perm: Django lets a superuser pass every has_perm, and a
    # superuser is not a party to a confidential request.
    return rules.has_perm(perm, user, obj)


def _require(user, perm: str, obj=None) -> None:
    if not _may(user, perm, obj):
        raise PermissionDenied


def _get(request: HttpRequest, pk: int) -> AssistanceRequest:
    return get_or_404(lambda: selectors.request_get(user=request.user, pk=pk))


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    items = selectors.request_list(user=request.user, status=status)
    context = {
        "items": items,
        "status": status,
        "statuses": Status.choices,
        "may_draft": _may(request.user, "assistance.draft_request"),
        "may_templates": _may(request.user, "assistance.manage_templates"),
    }
    return render(request, "assistance/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def new_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, "assistance.draft_request")
    organs = selectors.organs_of(user=request.user)
    form = DraftForm(
        request.POST or None, organs=organs, initial={"requested_state": request.GET.get("state")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = (
            data["template"] or selectors.templates_for(kind=data["kind"], language=data["language"]).first()
        )
        try:
            obj = services.request_draft(
                by=request.user,
                requesting_organ=data["requesting_organ"],
                requested_state=data["requested_state"],
                kind=data["kind"],
                language=data["language"],
                title=data["title"],
                template=template,
                deadline=data["deadline"],
            )
        except services.AssistanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Draft %(ref)s created.") % {"ref": obj.reference})
            return redirect("assistance:detail", pk=obj.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "assistance/new.html", {"form": form}, status=status)


def _detail(request: HttpRequest, obj: AssistanceRequest, *, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    # Every rendering shows the request (a refused form too): every one is an audited read.
    audit_record(action=AuditAction.READ, obj=obj, detail={"page": "detail", "status": status})
    may_change = _may(user, "assistance.change_request", obj)
    may_track = _may(user, "assistance.track_request", obj)
    req = drafting.requirements_for(
        user=user, state=obj.requested_state, kind=obj.kind, language=obj.language
    )
    statuses = services.next_statuses(user=user, request=obj)
    if statuses and obj.is_draft and not obj.checklist_complete:
        statuses = [s for s in statuses if s != Status.SENT]
    context = {
        "r": obj,
        "req": req,
        "may_change": may_change,
        "may_track": may_track,
        "timeline": selectors.request_timeline(request=obj),
        "correspondence": selectors.request_correspondence(request=obj),
        "obstacles": obj.obstacles.all(),
        "shared_with": obj.shared_with.all(),
        "checklist_form": forms.get("checklist_form")
        or (ChecklistForm(items=obj.checklist) if may_change and obj.is_draft else None),
        "status_form": forms.get("status_form") or (StatusForm(statuses=statuses) if statuses else None),
        "correspondence_form": forms.get("correspondence_form")
        or (CorrespondenceForm() if may_track else None),
        "share_form": forms.get("share_form")
        or (ShareForm(initial={"organisations": obj.shared_with.all()}) if may_change else None),
        "error": forms.get("error", ""),
        # The field-by-field history (drafts rewritten, dates corrected) for the requesting organ.
        "history": history_timeline(obj, user=user, exclude=("updated_at", "created_at", "checklist"))
        if may_change
        else [],
    }
    return render(request, "assistance/detail.html", context, status=status)


@login_required
@require_GET
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(request, pk)
    _require(request.user, "assistance.change_request", obj)
    if not obj.is_draft:
        messages.error(request, _("The request has been sent: its text can no longer change."))
        return redirect("assistance:detail", pk=obj.pk)
    initial = {"title": obj.title, "body": obj.body, "deadline": obj.deadline}
    form = DraftEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_update_draft(request=obj, by=request.user, **form.cleaned_data)
        except services.AssistanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("assistance:detail", pk=obj.pk)
    audit_record(action=AuditAction.READ, obj=obj, detail={"page": "edit"})
    status = 422 if request.method == "POST" else 200
    return render(request, "assistance/edit.html", {"form": form, "r": obj}, status=status)


@login_required
@require_POST
def checklist_view(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(request, pk)
    _require(request.user, "assistance.change_request", obj)
    form = ChecklistForm(request.POST, items=obj.checklist)
    if not form.is_valid():
        return _detail(request, obj, status=422, checklist_form=form)
    try:
        services.request_tick(request=obj, by=request.user, done=form.cleaned_data["done"])
    except services.AssistanceError as exc:
        return _detail(request, obj, status=422, error=str(exc))
    messages.success(request, _("Checklist saved."))
    return redirect(reverse("assistance:detail", args=[obj.pk]) + "#checklist")


@login_required
@require_POST
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(request, pk)
    _require(request.user, "assistance.track_request", obj)
    form = StatusForm(request.POST, statuses=services.next_statuses(user=request.user, request=obj))
    if not form.is_valid():
        return _detail(request, obj, status=422, status_form=form)
    try:
        services.request_set_status(request=obj, by=request.user, **form.cleaned_data)
    except services.AssistanceError as exc:
        form.add_error(None, str(exc))
        return _detail(request, obj, status=422, status_form=form)
    messages.success(request, _("Status recorded: %(status)s.") % {"status": obj.get_status_display()})
    return redirect("assistance:detail", pk=obj.pk)


@login_required
@require_POST
def correspondence_view(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(request, pk)
    _require(request.user, "assistance.track_request", obj)
    form = CorrespondenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, obj, status=422, correspondence_form=form)
    data = form.cleaned_data
    try:
        services.correspondence_add(
            request=obj,
            by=request.user,
            direction=data["direction"],
            on=data["on"],
            summary=data["summary"],
            upload=data["file"],
        )
    except services.AssistanceError as exc:
        form.add_error(None, str(exc))
        return _detail(request, obj, status=422, correspondence_form=form)
    messages.success(request, _("Correspondence added."))
    return redirect(reverse("assistance:detail", args=[obj.pk]) + "#correspondence")


@login_required
@require_GET
def attachment_view(request: HttpRequest, pk: int, entry: int) -> FileResponse:
    obj = _get(request, pk)
    item = get_object_or_404(obj.correspondence.exclude(file=""), pk=entry)
    audit_record(action=AuditAction.DOWNLOAD, obj=obj, detail={"attachment": item.filename})
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=item.filename)


@login_required
@require_POST
def share_view(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _get(request, pk)
    _require(request.user, "assistance.change_request", obj)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _detail(request, obj, status=422, share_form=form)
    services.request_share(request=obj, by=request.user, organisations=form.cleaned_data["organisations"])
    messages.success(request, _("Sharing saved."))
    return redirect("assistance:detail", pk=obj.pk)


@login_required
@require_GET
def export_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    obj = _get(request, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    req = drafting.requirements_for(
        user=request.user, state=obj.requested_state, kind=obj.kind, language=obj.language
    )
    data = exports.render_docx(obj, req) if fmt == "docx" else exports.render_pdf(obj, req)
    audit_record(action=AuditAction.DOWNLOAD, obj=obj, detail={"format": fmt})
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{obj.reference}.{fmt}"'
    return response


# --- Templates ----------------------------------------------------------------------------------


@login_required
@require_GET
def templates_view(request: HttpRequest) -> HttpResponse:
    _require(request.user, "assistance.manage_templates")
    items = selectors.templates_for(active_only=False)
    return render(
        request, "assistance/templates.html", {"items": items, "placeholders": drafting.PLACEHOLDERS}
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request.user, "assistance.manage_templates")
    template = get_object_or_404(RequestTemplate, pk=pk) if pk else None
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in TemplateForm.Meta.fields}
        try:
            services.template_save(by=request.user, template=template, **data)
        except services.AssistanceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Template saved."))
            return redirect("assistance:templates")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "template": template, "placeholders": drafting.PLACEHOLDERS}
    return render(request, "assistance/template_form.html", context, status=status)


# --- Statistics ---------------------------------------------------------------------------------


@require_GET
def statistics_view(request: HttpRequest) -> HttpResponse:
    from coopreview.knowledge.selectors import practices_visible_to
    from coopreview.recommendations.selectors import recommendations_visible_to

    exact = _may(request.user, "assistance.view_exact_statistics")
    tables = request_statistics(exact=exact)
    charts = [
        (
            table,
            bar_chart(
                f"rfa-{key}", table.title, [(r.label, r.count) for r in table.rows if not r.suppressed]
            ),
        )
        for key, table in tables.items()
    ]
    obstacles = list(selectors.obstacles_active().prefetch_related("recommendations", "practices"))
    visible_recs = set(
        recommendations_visible_to(user=request.user)
        .filter(pk__in=[r.pk for o in obstacles for r in o.recommendations.all()])
        .values_list("pk", flat=True)
    )
    visible_practices = set(
        practices_visible_to(user=request.user)
        .filter(pk__in=[p.pk for o in obstacles for p in o.practices.all()])
        .values_list("pk", flat=True)
    )
    for o in obstacles:
        o.shown_recommendations = [r for r in o.recommendations.all() if r.pk in visible_recs]
        o.shown_practices = [p for p in o.practices.all() if p.pk in visible_practices]
    context = {"charts": charts, "exact": exact, "obstacles": obstacles, "min_count": MIN_COUNT}
    return render(request, "assistance/statistics.html", context)
