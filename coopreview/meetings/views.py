"""Meeting pages. Each view: fetch (404 what the user may not see) → check (403) → form → one service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.core.access import get_or_404, require_perm
from coopreview.core.edits import report_saved, saved_message
from coopreview.core.exceptions import ServiceError
from coopreview.core.history import history_timeline
from coopreview.followup.selectors import actions_visible_to
from coopreview.meetings import decisions, exports, forms, ics, notifications, selectors, services
from coopreview.meetings.enums import MeetingStatus
from coopreview.meetings.models import AgendaDocument, Meeting, UserPreference
from coopreview.meetings.timezones import with_user_time_zone
from coopreview.recommendations.selectors import recommendations_visible_to


def _status_for(exc: ServiceError) -> int:
    return 403 if isinstance(exc, services.MeetingPermissionDenied) else 422


def _apply_errors(form, exc: ValidationError | ServiceError) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_or_404(lambda: selectors.meeting_get(user=request.user, pk=pk))


@require_GET
@login_required
@with_user_time_zone
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    past = request.GET.get("when") == "past"
    meetings = list(selectors.meeting_list(user=request.user, now=now, past=past))
    context = {"meetings": meetings, "past": past}
    return render(request, "meetings/list.html", context)


@require_GET
@login_required
@with_user_time_zone
def meeting_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting,
        "items": selectors.agenda_for(user=request.user, meeting=meeting),
        "can_manage": request.user.has_perm("meetings.change_meeting", meeting),
        "timeline": history_timeline(meeting, user=request.user),
        "statuses": MeetingStatus,
        "minutes_form": forms.MinutesForm(),
        "decision_form": forms.DecisionForm(user=request.user),
    }
    return render(request, "meetings/detail.html", context)


def _time_zone_list() -> list[str]:
    return forms.time_zone_choices()


@login_required
@require_http_methods(["GET", "POST"])
@with_user_time_zone
def meeting_create_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "meetings.add_meeting")
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(by=request.user, **form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Meeting created. Add participants, sessions and the agenda."))
            return redirect("meetings:detail", pk=meeting.pk)
    status = 422 if form.is_bound else 200
    return render(
        request, "meetings/form.html", {"form": form, "time_zones": _time_zone_list()}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
@with_user_time_zone
def meeting_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.change_meeting", meeting)
    form = forms.MeetingForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            _apply_errors(form, exc)
            status = _status_for(exc) if isinstance(exc, ServiceError) else 422
        else:
            report_saved(request, saved, _("Changes saved."))
            return redirect("meetings:detail", pk=meeting.pk)
    if form.is_bound and status == 200:
        status = 422
    context = {"form": form, "meeting": meeting, "time_zones": _time_zone_list()}
    return render(request, "meetings/form.html", context, status=status)


def _action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.change_meeting", meeting)
    try:
        action(meeting=meeting, by=request.user)
    except ServiceError as exc:
        context = {"meeting": meeting, "error": str(exc), "heading": _("Not done")}
        return render(
            request,
            "meetings/refused.html",
            context,
            status=403 if isinstance(exc, services.MeetingPermissionDenied) else 409,
        )
    messages.success(request, done)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
@with_user_time_zone
def meeting_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page first: cancelling tells every invitee."""
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.change_meeting", meeting)
    form = forms.CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(meeting=meeting, by=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form.add_error(None, str(exc))
            status = 409
        else:
            messages.success(request, _("Meeting cancelled; invitees are told."))
            return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/cancel.html", {"form": form, "meeting": meeting}, status=status)


@require_POST
@login_required
def meeting_held_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Before the meeting has started, marking it held asks for a confirmation first (a second POST
    with confirm=yes): a click on the wrong meeting must not open its minutes."""
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.change_meeting", meeting)
    early = meeting.start > timezone.now()
    if early and request.POST.get("confirm") != "yes":
        return render(request, "meetings/held_confirm.html", {"meeting": meeting})

    def mark(*, meeting: Meeting, by) -> Meeting:
        return services.meeting_mark_held(meeting=meeting, by=by, before_start=early)

    return _action(request, pk, mark, _("Meeting marked as held: minutes and decisions can now be recorded."))


@login_required
@require_http_methods(["GET", "POST"])
@with_user_time_zone
def meeting_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page first: who will be invited (persons, and the focal points of organisations)
    and who will not, with the reason; sending shows the same lists."""
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.change_meeting", meeting)
    invited, not_invited = notifications.invitation_plan(meeting)
    if request.method == "GET":
        context = {"meeting": meeting, "invited": invited, "not_invited": not_invited}
        return render(request, "meetings/invite.html", context)
    response = _action(request, pk, services.invitations_send, _("Invitations sent."))
    if response.status_code == 302:
        names = ", ".join(f"{i.label} <{i.email}>" for i in invited)
        messages.info(request, _("Invited: %(names)s.") % {"names": names})
        if not_invited:
            missed = "; ".join(f"{n.label} ({n.reason})" for n in not_invited)
            messages.warning(request, _("Not invited: %(names)s.") % {"names": missed})
    return response


@require_POST
@login_required
@with_user_time_zone
def minutes_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.approve_minutes", meeting)
    try:
        changes = decisions.minutes_approve(meeting=meeting, by=request.user)
    except (ServiceError, ValidationError) as exc:
        message = str(exc) if isinstance(exc, ServiceError) else " ".join(exc.messages)
        context = {"meeting": meeting, "error": message, "heading": _("Minutes not approved")}
        status = _status_for(exc) if isinstance(exc, ServiceError) else 422
        return render(request, "meetings/refused.html", context, status=status)
    messages.success(request, _("Minutes approved; %(n)d follow-up change(s) applied.") % {"n": len(changes)})
    return redirect("meetings:detail", pk=meeting.pk)


def _sub_form_view(request, meeting, form, template, save, done: str, **extra) -> HttpResponse:
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except (ValidationError, ServiceError) as exc:
            _apply_errors(form, exc)
            status = _status_for(exc) if isinstance(exc, ServiceError) else 422
        else:
            messages.success(request, saved_message(saved, done))
            return redirect("meetings:detail", pk=meeting.pk)
    if form.is_bound and status == 200:
        status = 422
    return render(request, template, {"form": form, "meeting": meeting, **extra}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@with_user_time_zone
def session_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.change_meeting", meeting)
    form = forms.SessionForm(request.POST or None, meeting=meeting)
    return _sub_form_view(
        request,
        meeting,
        form,
        "meetings/session_form.html",
        lambda data: services.session_add(meeting=meeting, by=request.user, **data),
        _("Session added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.change_meeting", meeting)
    form = forms.ParticipantForm(request.POST or None)
    return _sub_form_view(
        request,
        meeting,
        form,
        "meetings/participant_form.html",
        lambda data: services.participant_add(meeting=meeting, by=request.user, **data),
        _("Participant added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require_perm(request.user, "meetings.change_meeting", meeting)
    form = forms.AgendaItemForm(
        request.POST or None,
        recommendations=recommendations_visible_to(user=request.user),
        actions=actions_visible_to(user=request.user),
    )
    return _sub_form_view(
        request,
        meeting,
        form,
        "meetings/agenda_item_form.html",
        lambda data: services.agenda_item_add(meeting=meeting, by=request.user, **form.service_data()),
        _("Agenda item added."),
    )


def _item(request: HttpRequest, pk: int):
    return get_or_404(lambda: selectors.agenda_item_get(user=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
@with_user_time_zone
def minutes_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require_perm(request.user, "meetings.change_meeting", item.meeting)
    form = forms.MinutesForm(request.POST or None, initial={"minutes": item.minutes})
    response = _sub_form_view(
        request,
        item.meeting,
        form,
        "meetings/minutes_form.html",
        lambda data: services.agenda_item_set_minutes(item=item, by=request.user, **data),
        _("Minutes saved."),
        item=item,
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def decision_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require_perm(request.user, "meetings.change_meeting", item.meeting)
    form = forms.DecisionForm(request.POST or None, item=item, user=request.user)
    return _sub_form_view(
        request,
        item.meeting,
        form,
        "meetings/decision_form.html",
        lambda data: decisions.decision_record(
            item=item, by=request.user, text=data["text"], changes=form.changes()
        ),
        _("Decision recorded: its follow-up changes apply when the minutes are approved."),
        item=item,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require_perm(request.user, "meetings.change_meeting", item.meeting)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    return _sub_form_view(
        request,
        item.meeting,
        form,
        "meetings/document_form.html",
        lambda data: services.document_add(
            item=item, by=request.user, title=data["title"], upload=data["file"]
        ),
        _("Document attached."),
        item=item,
    )


@require_GET
@login_required
def document_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_or_404(lambda: AgendaDocument.objects.select_related("item").get(pk=pk))
    _item(request, document.item_id)  # 404 unless the user may see the item and its meeting
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = document.file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def meeting_ics_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    items = selectors.agenda_for(user=request.user, meeting=meeting)
    payload = ics.calendar_bytes([(meeting, items)], method="PUBLISH")
    response = HttpResponse(payload, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@require_GET
@login_required
@with_user_time_zone
def meeting_export_view(request: HttpRequest, pk: int, document: str, fmt: str) -> HttpResponse:
    meeting = _meeting(request, pk)
    items = selectors.agenda_for(user=request.user, meeting=meeting)
    if document == "minutes" and meeting.status != MeetingStatus.HELD:
        raise Http404
    payload, content_type = exports.export(
        meeting=meeting, items=items, document=document, fmt=fmt, request=request
    )
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{document}-{meeting.pk}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@with_user_time_zone
def calendar_settings_view(request: HttpRequest) -> HttpResponse:
    pref = UserPreference.objects.filter(user=request.user).first()
    form = forms.TimeZonePreferenceForm(
        request.POST if request.POST.get("action") == "time_zone" else None,
        initial={"time_zone": pref.time_zone if pref else timezone.get_current_timezone_name()},
    )
    language_form = forms.LanguagePreferenceForm(
        request.POST if request.POST.get("action") == "language" else None,
        initial={"language": pref.language if pref else ""},
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "language":
            if language_form.is_valid():
                chosen = language_form.cleaned_data["language"]
                services.preference_set_language(user=request.user, language=chosen)
                messages.success(request, _("Language saved."))
                response = redirect("meetings:calendar")
                if chosen:
                    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
                return response
            status = 422
        elif action == "time_zone":
            if form.is_valid():
                services.preference_set_time_zone(user=request.user, **form.cleaned_data)
                messages.success(request, _("Time zone saved."))
                return redirect("meetings:calendar")
            status = 422
        elif action == "renew":
            services.feed_token_renew(user=request.user)
            messages.success(request, _("New calendar address created; the previous one no longer works."))
            return redirect("meetings:calendar")
        elif action == "revoke":
            services.feed_token_revoke(user=request.user)
            messages.success(request, _("Calendar address revoked."))
            return redirect("meetings:calendar")
        else:
            status = 400
    feed_url = ""
    if pref and pref.feed_token:
        feed_url = request.build_absolute_uri(f"/meetings/calendar/{pref.feed_token}.ics")
    context = {
        "form": form,
        "language_form": language_form,
        "feed_url": feed_url,
        "time_zones": _time_zone_list(),
    }
    return render(request, "meetings/calendar.html", context, status=status)


@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The user's meetings as an iCalendar feed; the secret in the URL is the only credential."""
    owner = selectors.feed_owner(token=token)
    if owner is None:
        raise Http404
    meetings = selectors.meetings_of(user=owner).prefetch_related("sessions")
    entries = [(m, selectors.agenda_for(user=owner, meeting=m)) for m in meetings]
    payload = ics.calendar_bytes(entries, method="PUBLISH")
    response = HttpResponse(payload, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def recommendation_panel(request: HttpRequest, recommendation) -> str:
    """On the recommendation page: the meetings where it was discussed and what was decided."""
    tz = selectors.user_time_zone(request.user)
    with timezone.override(tz or timezone.get_current_timezone_name()):
        items = selectors.recommendation_discussions(user=request.user, recommendation=recommendation)
        if not items:
            return ""
        return render_to_string(
            "meetings/_recommendation_panel.html",
            {"items": items, "recommendation": recommendation},
            request=request,
        )


@require_POST
@login_required
def agenda_item_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Up / down buttons on the agenda (plain forms: no script needed)."""
    item = _item(request, pk)
    require_perm(request.user, "meetings.change_meeting", item.meeting)
    try:
        services.agenda_item_move(item=item, by=request.user, direction=request.POST.get("direction", ""))
    except ServiceError as exc:
        return _refused(request, item.meeting, exc)
    return redirect(reverse("meetings:detail", args=[item.meeting_id]) + f"#item-{item.pk}")


@require_POST
@login_required
def agenda_item_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require_perm(request.user, "meetings.change_meeting", item.meeting)
    try:
        services.agenda_item_remove(item=item, by=request.user)
    except ServiceError as exc:
        return _refused(request, item.meeting, exc)
    messages.success(request, _("“%(title)s” removed from the agenda.") % {"title": item.title})
    return redirect("meetings:detail", pk=item.meeting_id)


def _refused(request: HttpRequest, meeting: Meeting, exc: ServiceError) -> HttpResponse:
    context = {"meeting": meeting, "error": str(exc), "heading": _("Not done")}
    status = 403 if isinstance(exc, services.MeetingPermissionDenied) else 409
    return render(request, "meetings/refused.html", context, status=status)
