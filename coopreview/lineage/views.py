import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_download_if_non_public
from coopreview.core.access import get_or_404, require_perm
from coopreview.jobs.enums import JobState
from coopreview.lineage import jobs as lineage_jobs
from coopreview.lineage import selectors, services
from coopreview.lineage.forms import ConfirmForm, LinkFilterForm, RejectForm, SuggestForm
from coopreview.lineage.selectors import LineageError
from coopreview.recommendations.models import Recommendation, Source
from coopreview.recommendations.selectors import recommendations_visible_to, sources_visible_to

# "Find related" from one recommendation shows more than a whole source's review does per query: the
# reviewer looks at one record's neighbours (in the seed annex, 273 and 275 come 5th and 9th for 274).
RELATED_TOP = 10
REVIEW_PAGE_SIZE = 25


def recommendation_panel(request: HttpRequest, recommendation: Recommendation) -> str:
    """The links of a recommendation, shown on its page (both ends see the same link)."""
    links = selectors.links_of(user=request.user, recommendation=recommendation)
    can_review = request.user.has_perm("lineage.review_suggestions")
    return render_to_string(
        "lineage/_panel.html",
        {"links": links, "rec": recommendation, "can_review": can_review},
        request=request,
    )


@require_GET
def links_view(request: HttpRequest) -> HttpResponse:
    """Confirmed links the user may see (both ends), filterable; ?format=csv|json exports the list."""
    sources = sources_visible_to(user=request.user)
    form = LinkFilterForm(request.GET or None, sources=sources)
    if form.is_bound and not form.is_valid():
        return render(request, "lineage/links.html", {"form": form, "links": []}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    links = selectors.link_list(
        user=request.user, link_type=data.get("type") or "", source=data.get("source")
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "json"):
        return _export(links, fmt)
    return render(request, "lineage/links.html", {"form": form, "links": links, "sources": sources})


def _export(links, fmt: str) -> HttpResponse:
    rows = selectors.link_rows(links)
    ids = {pk for link in links for pk in (link.from_recommendation_id, link.to_recommendation_id) if pk}
    audit_download_if_non_public(
        action=AuditAction.EXPORT, recommendation_ids=ids, what=f"links.{fmt}", detail={"links": len(rows)}
    )
    if fmt == "json":
        response = HttpResponse(
            json.dumps(rows, ensure_ascii=False, indent=2), content_type="application/json"
        )
    else:
        response = HttpResponse(selectors.link_rows_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="links.{fmt}"'
    return response


@login_required
@require_GET
def review_view(request: HttpRequest) -> HttpResponse:
    """Suggestions to review for a source (or one recommendation): confirm with a type, or reject."""
    require_perm(request.user, "lineage.review_suggestions")
    sources = sources_visible_to(user=request.user)
    form = SuggestForm(request.GET or None, sources=sources)
    context: dict = {"form": form, "suggestions": None}
    status = 200
    if not form.is_bound:
        return render(request, "lineage/review.html", context)
    if not form.is_valid():
        return render(request, "lineage/review.html", context, status=400)
    data = form.cleaned_data
    if data.get("rec"):
        context["rec"] = get_or_404(lambda: recommendations_visible_to(user=request.user).get(pk=data["rec"]))
    # The model is fitted by a worker (lineage/jobs.py); the page polls the job it started (?job=),
    # so a failed job is shown, not started again.
    if request.GET.get("job", "").isdigit():
        job = get_or_404(lambda: lineage_jobs.suggest_job_get(user=request.user, pk=int(request.GET["job"])))
    else:
        params = {
            "rec": data["rec"] if data.get("rec") else None,
            "source": data["source"].pk if data.get("source") and not data.get("rec") else None,
            "target": data["target"].pk if data.get("target") else None,
            "method": data.get("method") or "tfidf",
            "widen": data.get("widen", False),
            "top": RELATED_TOP if data.get("rec") else 5,
        }
        what = context.get("rec") or data.get("source")
        job = lineage_jobs.suggest_job_start(
            user=request.user, params=params, title=_("Suggestions for %(what)s") % {"what": what}
        )
    context["job"] = job
    if job.state == JobState.FAILED:
        form.add_error("method", job.error)
        status = 422
    elif job.state == JobState.DONE:
        context["notes"] = job.result.get("notes", [])
        found = lineage_jobs.suggest_job_results(job=job, user=request.user)
        # a page at a time: each suggestion renders two forms, and a whole set's 200 took seconds
        page = Paginator(found, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["suggestions"] = [
            (
                s,
                ConfirmForm(
                    initial={"from_id": s.query.pk, "to_id": s.candidate.pk, "score": s.score},
                    prefix=f"c{n}",
                ),
                n,
            )
            for n, s in enumerate(page.object_list, start=page.start_index() - 1 if found else 0)
        ]
    else:
        query = request.GET.copy()
        query["job"] = str(job.pk)
        context["poll"] = f"{request.path}?{query.urlencode()}"
    return render(request, "lineage/review.html", context, status=status)


def _pair_context(request: HttpRequest, form) -> dict:
    a = recommendations_visible_to(user=request.user).filter(pk=form.cleaned_data["from_id"]).first()
    b = recommendations_visible_to(user=request.user).filter(pk=form.cleaned_data["to_id"]).first()
    return {"a": a, "b": b}


@login_required
@require_POST
def confirm_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "lineage.add_link")
    prefix = request.POST.get("prefix") or None
    form = ConfirmForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return render(request, "lineage/_outcome.html", {"error": form.errors.as_text()}, status=422)
    try:
        link = services.link_create(
            by=request.user,
            from_pk=form.cleaned_data["from_id"],
            to_pk=form.cleaned_data["to_id"],
            link_type=form.cleaned_data["link_type"],
            reason=form.cleaned_data["reason"],
            origin="suggestion",
            score=form.cleaned_data.get("score"),
        )
    except LineageError as exc:
        return render(request, "lineage/_outcome.html", {"error": str(exc)}, status=422)
    if not request.htmx:
        return redirect("recommendations:detail", pk=link.from_recommendation_id)
    return render(request, "lineage/_outcome.html", {"link": link})


@login_required
@require_POST
def reject_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "lineage.review_suggestions")
    form = RejectForm(request.POST)
    if not form.is_valid():
        return render(request, "lineage/_outcome.html", {"error": form.errors.as_text()}, status=422)
    try:
        services.suggestion_reject(
            by=request.user,
            a_pk=form.cleaned_data["from_id"],
            b_pk=form.cleaned_data["to_id"],
            reason=form.cleaned_data["reason"],
        )
    except LineageError as exc:
        return render(request, "lineage/_outcome.html", {"error": str(exc)}, status=422)
    return render(request, "lineage/_outcome.html", {"rejected": True, **_pair_context(request, form)})


def _source(request: HttpRequest, pk: int) -> Source:
    return get_or_404(lambda: sources_visible_to(user=request.user).get(pk=pk))


@require_GET
def groups_view(request: HttpRequest, source_pk: int) -> HttpResponse:
    source = _source(request, source_pk)
    return _groups_page(request, source)


def _groups_page(request: HttpRequest, source: Source, *, error: str = "", status: int = 200) -> HttpResponse:
    groups = selectors.duplicate_groups(user=request.user, source=source)
    can_change = request.user.has_perm("lineage.change_duplicategroup")
    context = {"source": source, "groups": groups, "can_change": can_change, "error": error}
    return render(request, "lineage/groups.html", context, status=status)


@login_required
@require_POST
def groups_change_view(request: HttpRequest, source_pk: int) -> HttpResponse:
    """Split the ticked members off a group, or merge the ticked groups (reviewers)."""
    require_perm(request.user, "lineage.change_duplicategroup")
    source = _source(request, source_pk)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "merge":
            services.duplicate_groups_merge(
                by=request.user, group_ids=request.POST.getlist("group"), reason=reason
            )
            messages.success(request, _("Groups merged."))
        else:
            services.duplicate_group_split(
                by=request.user,
                group_id=request.POST.get("split_group", ""),
                recommendation_ids=request.POST.getlist("member"),
                reason=reason,
            )
            messages.success(request, _("Recommendations split off into a new group."))
    except (LineageError, ValueError) as exc:
        message = str(exc) if isinstance(exc, LineageError) else _("Choose recommendations to split off.")
        return _groups_page(request, source, error=message, status=422)
    return redirect("lineage:groups", source_pk=source.pk)


@require_GET
def implementation_view(request: HttpRequest, source_pk: int) -> HttpResponse:
    """An older set at a glance: status, evidence, and which newer recommendations ask it again."""
    source = _source(request, source_pk)
    rows = selectors.implementation_review(user=request.user, source=source)
    return render(request, "lineage/implementation.html", {"source": source, "rows": rows})
