"""A person's own pages: the landing after sign-in, "My work", the editors' queue, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from coopreview.core.access import require_perm
from coopreview.inbox import selectors, services


@require_GET
@login_required
def landing_view(request: HttpRequest) -> HttpResponse:
    return redirect(selectors.landing_url_name(user=request.user))


@require_GET
@login_required
def my_work_view(request: HttpRequest) -> HttpResponse:
    context = selectors.awaiting_me(user=request.user)
    context["notifications"] = list(selectors.notifications_for(user=request.user).unread()[:10])
    return render(request, "inbox/my_work.html", context)


@require_GET
@login_required
def queue_view(request: HttpRequest) -> HttpResponse:
    if not (
        request.user.has_perm("followup.validate_update")
        or request.user.has_perm("knowledge.review_proposals")
    ):
        require_perm(request.user, "followup.validate_update")  # 403
    return render(request, "inbox/queue.html", {"queue": selectors.validation_queue(user=request.user)})


@require_http_methods(["GET", "POST"])
@login_required
def notifications_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ids = (
            None if "all" in request.POST else [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        )
        done = services.notifications_mark_read(user=request.user, ids=ids)
        messages.success(
            request,
            ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", done)
            % {"n": done},
        )
        return redirect(reverse("inbox:notifications"))
    page = Paginator(selectors.notifications_for(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "inbox/notifications.html", {"page": page, "title": _("Notifications")})
