"""A change applied to the recommendations selected in the recommendation list or the follow-up list.

The checkboxes belong to the form below through their `form` attribute, so the list's table needs no
form of its own and the page works without JavaScript."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coopreview.core.access import require_perm
from coopreview.core.exceptions import ServiceError
from coopreview.followup.bulk import BulkRefused, bulk_value, recommendations_bulk_change
from coopreview.followup.forms import BulkChangeForm


def bulk_controls(request: HttpRequest) -> str:
    """The bulk form above a list (FollowupConfig.list_actions), for users who may change anything."""
    if not request.user.has_perm("recommendations.bulk_change"):
        return ""
    form = BulkChangeForm(user=request.user, initial={"next": request.get_full_path()}, auto_id="bulk_%s")
    return render_to_string("followup/_bulk_controls.html", {"bulk_form": form}, request=request)


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, request.is_secure()):
        return value
    return reverse("recommendations:list")


@require_POST
@login_required
def bulk_change_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "recommendations.bulk_change")
    form = BulkChangeForm(request.POST, user=request.user, auto_id="bulk_%s")
    ids_raw = request.POST.getlist("ids")
    ctx: dict = {"bulk_form": form, "back": _safe_next(request, request.POST.get("next", ""))}
    if not form.is_valid():
        return render(request, "followup/bulk_result.html", ctx, status=422)
    try:
        ids = [int(pk) for pk in ids_raw]
    except ValueError:
        ctx["error"] = _("Selection: the selected recommendations are not valid.")
        return render(request, "followup/bulk_result.html", ctx, status=400)
    action, raw = form.action_and_value()
    try:
        value = bulk_value(action, raw)
        result = recommendations_bulk_change(
            ids=ids, by=request.user, action=action, value=value, reason=form.cleaned_data["reason"]
        )
    except BulkRefused as exc:
        ctx.update(error=str(exc), refusals=exc.refusals)
        return render(request, "followup/bulk_result.html", ctx, status=409)
    except ServiceError as exc:
        ctx["error"] = str(exc)
        return render(request, "followup/bulk_result.html", ctx, status=422)
    message = ngettext(
        "%(n)d recommendation changed.", "%(n)d recommendations changed.", len(result.changed)
    ) % {"n": len(result.changed)}
    if result.unchanged:
        message += " " + ngettext(
            "%(n)d was already so.", "%(n)d were already so.", len(result.unchanged)
        ) % {"n": len(result.unchanged)}
    messages.success(request, message)
    return redirect(ctx["back"])
