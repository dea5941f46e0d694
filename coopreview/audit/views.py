"""The audit log, read-only, for administrators: a filtered list and its CSV export."""

import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from coopreview.audit import selectors
from coopreview.audit.exports import write_csv
from coopreview.audit.forms import AuditFilterForm
from coopreview.audit.models import AuditEvent
from coopreview.core.access import require_perm

PAGE_SIZE = 100


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent] | HttpResponse]:
    """The filter form and the events it selects, or the page with the form's errors (400)."""
    require_perm(request.user, "audit.view_auditevent")
    form = AuditFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, render(request, "audit/log.html", {"form": form, "page": None}, status=400)
    filters = form.to_filters() if request.GET else selectors.AuditFilters()
    return form, selectors.audit_events(filters=filters)


@login_required
@require_GET
def audit_log_view(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    if isinstance(events, HttpResponse):
        return events
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_GET
def audit_export_view(request: HttpRequest) -> HttpResponse:
    _form, events = _filtered(request)
    if isinstance(events, HttpResponse):
        return events
    buffer = io.StringIO()
    write_csv(events.iterator(), buffer)
    response = HttpResponse(buffer.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
