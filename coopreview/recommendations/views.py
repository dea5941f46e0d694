from dataclasses import replace
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.core.access import get_or_404, require_perm
from coopreview.core.apps_registry import list_actions, recommendation_panels
from coopreview.core.edits import report_saved
from coopreview.core.exceptions import ConcurrentEditError
from coopreview.core.history import as_of, history_timeline
from coopreview.recommendations import selectors, services
from coopreview.recommendations.forms import (
    AsOfForm,
    RecommendationFilterForm,
    RecommendationForm,
    SourceForm,
)
from coopreview.recommendations.models import PriorityFlag, Recommendation
from coopreview.recommendations.pagination import RecommendationPaginator


def _filter_form(request: HttpRequest) -> RecommendationFilterForm:
    return RecommendationFilterForm(
        request.GET or None,
        sources=selectors.sources_visible_to(user=request.user),
        sections=selectors.sections_visible_to(user=request.user),
    )


@require_GET
def recommendation_list_view(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        status = 400
        recommendations = count_set = Recommendation.objects.none()
        group = False
    else:
        status = 200
        filters = form.to_filters() if form.is_bound else selectors.RecommendationFilters()
        # The page's addressees and flags come from with_links below, not from a prefetch per row.
        ranked = selectors.recommendation_ranked(user=request.user, filters=filters)
        if ranked is not None:  # by relevance: the search engine's order, the ids it ranked
            rows = selectors.list_page_columns(ranked.rows.prefetch_related(None))
            recommendations, count_set = replace(ranked, rows=rows), None
        else:
            recommendations = selectors.list_page_columns(
                selectors.recommendation_list(user=request.user, filters=filters).prefetch_related(None)
            )
            count_set = selectors.recommendation_count_set(user=request.user, filters=filters)
        group = bool(form.is_bound and form.cleaned_data.get("group"))
    asked = request.GET.get("page") or 1
    paginator = RecommendationPaginator(
        recommendations, 500 if group else 50, count_set=count_set, near_page=asked
    )
    page = paginator.get_page(asked)
    page.object_list = selectors.with_links(list(page.object_list))
    groups = []
    if group:
        for cluster, rows in groupby(page.object_list, key=selectors.cluster_of):
            groups.append((cluster, list(rows)))
    actions = [mark_safe(action(request)) for action in list_actions()]  # noqa: S308 — rendered templates
    context = {"form": form, "page": page, "groups": groups, "group": group, "actions": actions}
    context["bulk"] = request.user.has_perm("recommendations.bulk_change")
    template = "recommendations/_results.html" if request.htmx else "recommendations/list.html"
    return render(request, template, context, status=status)


@require_GET
def source_options_view(request: HttpRequest) -> HttpResponse:
    """The source filter's options matching the find box (`source_q`), for the list page's htmx swap.
    Only visible sources: the same queryset as the filter itself."""
    form = _filter_form(request)
    if not form.fields["source"].widget.finding:  # the form narrows long lists only; this always does
        form.fields["source"].show_found(find=form.source_find(), keep=request.GET.get("source"))
    return HttpResponse(form.source_options_html())


@require_GET
def recommendation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_or_404(lambda: selectors.recommendation_get(user=request.user, pk=pk))
    timeline = (
        history_timeline(recommendation, user=request.user)
        if request.user.has_perm("recommendations.view_history")
        else []
    )
    panels = [mark_safe(panel(request, recommendation)) for panel in recommendation_panels()]  # noqa: S308
    context = {
        "rec": recommendation,
        "timeline": timeline,
        "cluster": selectors.cluster_of(recommendation),
        "own_flags": selectors.flags_settable_by(user=request.user, recommendation=recommendation),
    }
    as_of_form = AsOfForm(request.GET or None)
    if as_of_form.is_bound:
        if not as_of_form.is_valid():
            return render(
                request, "recommendations/detail.html", {**context, "as_of_form": as_of_form}, status=400
            )
    if as_of_form.is_bound and as_of_form.cleaned_data.get("as_of"):
        when = as_of_form.moment()
        context["snapshot"] = selectors.recommendation_as_of(
            user=request.user, recommendation=recommendation, when=when
        )
        context["as_of"] = as_of_form.cleaned_data["as_of"]
        context["snapshot_withheld"] = context["snapshot"] is None and as_of(recommendation, when) is not None
    context["as_of_form"] = as_of_form
    return render(request, "recommendations/detail.html", {**context, "panels": panels})


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_create_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "recommendations.add_recommendation")
    form = RecommendationForm(request.POST or None)
    status = 422 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.recommendation_create(
                by=request.user, reason=form.cleaned_data["reason"], validated=True, **form.service_data()
            )
        except services.StaleChoiceError as exc:
            form.add_error(None, str(exc))
            return render(request, "recommendations/form.html", {"form": form}, status=409)
        messages.success(request, _("Recommendation %(ref)s created.") % {"ref": recommendation.reference})
        return redirect("recommendations:detail", pk=recommendation.pk)
    return render(request, "recommendations/form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    # A save reads the relations as ids, the rows from per-process copies (the form shows them: GET).
    get = selectors.recommendation_get if request.method == "GET" else selectors.recommendation_get_for_save
    recommendation = get_or_404(lambda: get(user=request.user, pk=pk))
    require_perm(request.user, "recommendations.change_recommendation", recommendation)
    form = RecommendationForm(request.POST or None, instance=recommendation)
    saved, conflict = _save_checked(
        request, form, services.recommendation_update, recommendation=recommendation, validated=True
    )
    if saved is not None:
        report_saved(request, saved, _("Changes saved."))
        return redirect("recommendations:detail", pk=recommendation.pk)
    status = 409 if conflict else (422 if form.is_bound else 200)
    context = {"form": form, "rec": recommendation, "conflict": conflict}
    return render(request, "recommendations/form.html", context, status=status)


@login_required
@require_POST
def recommendation_flag_view(request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
    """Set or clear one of the user's own organisation's priority flags (the facilitation's, the
    Review Mechanism's): 404 for a record the user may not see, 403 for another organisation's flag."""
    recommendation = get_or_404(lambda: selectors.recommendation_get(user=request.user, pk=pk))
    flag = get_or_404(lambda: PriorityFlag.objects.select_related("owner").get(pk=flag_pk))
    require_perm(request.user, "recommendations.set_flag", flag)
    on = request.POST.get("on") == "1"
    services.recommendation_set_flag(recommendation=recommendation, flag=flag, on=on, by=request.user)
    message = _("%(flag)s set.") if on else _("%(flag)s cleared.")
    messages.success(request, message % {"flag": flag.display_name})
    return redirect("recommendations:detail", pk=recommendation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def source_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Editors correct a source: title, date, symbol, link (with a reason kept in the history)."""
    source = get_or_404(lambda: selectors.sources_visible_to(user=request.user).get(pk=pk))
    require_perm(request.user, "recommendations.change_source", source)
    form = SourceForm(request.POST or None, instance=source)
    saved, conflict = _save_checked(request, form, services.source_update, source=source)
    if saved is not None:
        done = _("Source %(symbol)s saved.") % {"symbol": source.symbol}
        report_saved(request, saved, done)
        return redirect(_safe_next(request) or reverse("recommendations:list") + f"?source={source.pk}")
    status = 409 if conflict else (422 if form.is_bound else 200)
    timeline = history_timeline(source, user=request.user)
    context = {
        "form": form,
        "source": source,
        "conflict": conflict,
        "timeline": timeline,
        "next": _safe_next(request),
    }
    return render(request, "recommendations/source_form.html", context, status=status)


def _safe_next(request: HttpRequest) -> str:
    """The page to return to (?next=), only when it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False)
    return url if url and ok else ""


def _save_checked(
    request: HttpRequest, form, update, **target
) -> tuple[Model | None, ConcurrentEditError | services.StaleChoiceError | None]:
    """On a valid POST, call `update` with the form's data, its reason and the version the editor
    opened, and return what it returned (core.edits.saved_nothing tells whether it wrote anything);
    a newer save by someone else becomes a form error and the conflict to show."""
    if request.method != "POST" or not form.is_valid():
        return None, None
    try:
        saved = update(
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_updated_at=form.cleaned_data["version"],
            **target,
            **form.service_data(),
        )
    except ConcurrentEditError as exc:
        form.add_error(None, str(exc))
        return None, exc
    except services.StaleChoiceError as exc:  # shown as a conflict: reload and choose again
        form.add_error(None, str(exc))
        return None, exc
    return saved, None
