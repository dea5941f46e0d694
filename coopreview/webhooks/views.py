"""Administrators' pages: register, edit, disable endpoints; the delivery log."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.core.access import get_or_404, require_perm
from coopreview.core.edits import report_saved
from coopreview.core.history import history_timeline
from coopreview.webhooks import selectors, services
from coopreview.webhooks.forms import DeliveryFilterForm, EndpointForm
from coopreview.webhooks.models import Delivery, Endpoint

PERM = "webhooks.manage_endpoints"
PAGE_SIZE = 100


def _endpoint(request: HttpRequest, pk: int) -> Endpoint:
    require_perm(request.user, PERM)
    return get_or_404(lambda: selectors.endpoints_for(user=request.user).get(pk=pk))


@login_required
@require_GET
def endpoint_list_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, PERM)
    endpoints = list(selectors.endpoints_for(user=request.user))
    return render(request, "webhooks/endpoints.html", {"endpoints": endpoints})


def _save(request: HttpRequest, form: EndpointForm, endpoint: Endpoint | None) -> Endpoint | None:
    """Call the service with the form's data; a refusal becomes a form error (None)."""
    try:
        if endpoint is None:
            return services.endpoint_create(by=request.user, **form.cleaned_data)
        return services.endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
    except services.WebhookError as exc:
        form.add_error(None, str(exc))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_create_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, PERM)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = _save(request, form, None)
        if endpoint is not None:
            messages.success(request, _("Endpoint registered. Give its signing secret to the receiver."))
            return redirect("webhooks:detail", pk=endpoint.pk)
    status = 422 if form.is_bound else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events,
               "active": endpoint.active}  # fmt: skip
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, endpoint)
        if saved is not None:
            report_saved(request, saved, _("Endpoint saved."))
            return redirect("webhooks:detail", pk=endpoint.pk)
    status = 422 if form.is_bound else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint}, status=status)


@login_required
@require_GET
def endpoint_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    deliveries = list(selectors.deliveries_for(user=request.user, endpoint=endpoint)[:20])
    context = {
        "endpoint": endpoint,
        "deliveries": deliveries,
        "timeline": history_timeline(endpoint, user=request.user),
    }
    return render(request, "webhooks/endpoint_detail.html", context)


@login_required
@require_POST
def endpoint_active_view(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    active = request.POST.get("active") == "1"
    services.endpoint_update(endpoint=endpoint, by=request.user, active=active,
                             reason=_("Endpoint enabled") if active else _("Endpoint disabled"))  # fmt: skip
    messages.success(
        request, _("Endpoint enabled.") if active else _("Endpoint disabled: it receives nothing.")
    )
    return redirect("webhooks:detail", pk=endpoint.pk)


@login_required
@require_POST
def endpoint_secret_view(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    services.endpoint_rotate_secret(endpoint=endpoint, by=request.user)
    messages.success(request, _("New signing secret. Deliveries from now on are signed with it."))
    return redirect("webhooks:detail", pk=endpoint.pk)


@login_required
@require_GET
def delivery_list_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, PERM)
    form = DeliveryFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "webhooks/deliveries.html", {"form": form, "page": None}, status=400)
    status = form.cleaned_data.get("status", "") if form.is_bound else ""
    deliveries = selectors.deliveries_for(user=request.user, status=status)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webhooks/deliveries.html", {"form": form, "page": page, "status": status})


def _delivery(request: HttpRequest, pk: int) -> Delivery:
    require_perm(request.user, PERM)
    return get_or_404(lambda: selectors.deliveries_for(user=request.user).get(pk=pk))


@login_required
@require_GET
def delivery_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(request, pk)
    payload = json.dumps(delivery.payload, ensure_ascii=False, indent=2)
    return render(request, "webhooks/delivery.html", {"delivery": delivery, "payload": payload})


@login_required
@require_POST
def delivery_again_view(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(request, pk)
    try:
        services.delivery_send_again(delivery=delivery, by=request.user)
    except services.WebhookError as exc:
        messages.error(request, str(exc))
        return redirect("webhooks:delivery", pk=delivery.pk)
    messages.success(request, _("The delivery is queued again."))
    return redirect("webhooks:delivery", pk=delivery.pk)
