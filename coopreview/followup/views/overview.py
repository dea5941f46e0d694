"""Overviews: the dashboard (counts, charts, the filtered list, "as of"), the schedule, what changed."""

from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coopreview.accounts.enums import Side
from coopreview.core.apps_registry import list_actions
from coopreview.followup import over_time, past, selectors, summary, tallies
from coopreview.followup.charts import bar_chart
from coopreview.followup.enums import Status
from coopreview.followup.forms import ChangesForm, FollowupFilterForm
from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.enums import SortOrder
from coopreview.recommendations.models import PriorityFlag, Recommendation, in_flag_order

PAGE_SIZE = 100
# "What changed" counts a period's changes exactly up to this many; past it the page says "more than"
# and pages on: an exact count would check every change of a long period (1.3 s at 1 M recommendations)
CHANGES_COUNTED_UP_TO = 1000


def _month_ends(today: date, count: int) -> list[date]:
    ends, cursor = [], today.replace(day=1) - timedelta(days=1)
    for _i in range(count - 1):
        ends.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return [*ends[::-1], today]


def _recommendation_source(request: HttpRequest, form: FollowupFilterForm):
    """(ordered ids, id subquery) of the recommendations the filters keep, visibility applied.

    The subquery is built without the search ranking (an annotation that cannot live inside a
    subquery), so every count below is one query whatever the number of recommendations."""
    filters = form.to_filters() if form.is_bound else rec_selectors.RecommendationFilters()
    data = form.cleaned_data if form.is_bound else {}
    unranked = rec_selectors.recommendation_list(
        user=request.user, filters=replace(filters, sort=SortOrder.REFERENCE)
    )
    if data.get("disagree"):
        unranked = unranked.filter(selectors.disagreement_q())
    ranked = rec_selectors.recommendation_ranked(user=request.user, filters=filters)
    if ranked is None:
        ordered = rec_selectors.recommendation_list(user=request.user, filters=filters)
        if data.get("disagree"):
            ordered = ordered.filter(selectors.disagreement_q())
        return list(ordered.values_list("pk", flat=True)), unranked.values("pk")
    # by relevance: the search engine's order, kept to the rows the filters keep
    kept = set(unranked.values_list("pk", flat=True)) if data.get("disagree") else None
    ids = [pk for pk in ranked.ids if kept is None or pk in kept]
    return ids, unranked.values("pk")


def dashboard_rows(
    request: HttpRequest, form: FollowupFilterForm, source: tuple | None = None
) -> tuple[list[dict], date | None]:
    """The filtered recommendations with their overall status (as of the chosen date), cluster, flags,
    disagreement and progress, in a fixed number of queries. Recommendation objects are not loaded:
    the page fetches only the rows it shows."""
    data = form.cleaned_data if form.is_bound else {}
    ids, sub = source or _recommendation_source(request, form)
    when = data.get("as_of")
    parts_by_rec: dict[int, list] = defaultdict(list)
    if when:
        snapshots = past.snapshots_at(user=request.user, when=when, recommendations=sub)
    else:
        snapshots = selectors.parts_current(user=request.user, recommendations=sub)
    for snap in snapshots:
        parts_by_rec[snap.recommendation_id].append(snap)
    disagreeing = set(
        Recommendation.objects.filter(pk__in=sub)
        .filter(selectors.disagreement_q())
        .values_list("pk", flat=True)
    )
    progress = selectors.recommendation_progress(user=request.user, recommendations=sub)
    clusters = selectors.clusters_of(recommendations=sub)
    flags = {f.pk: f for f in PriorityFlag.objects.select_related("owner")}
    flags_by_rec: dict[int, list] = defaultdict(list)
    through = Recommendation.priority_flags.through
    for rec_id, flag_id in through.objects.filter(recommendation_id__in=sub).values_list(
        "recommendation_id", "priorityflag_id"
    ):
        flags_by_rec[rec_id].append(flags[flag_id])
    rows = []
    # labels translated once per request, not once per row (gettext was half the page's time)
    labels = {s.value: str(s.label) for s in Status}
    uncategorised = str(_("Not categorised"))
    for rec_id in ids:
        parts = parts_by_rec[rec_id]
        status = selectors.overall_status(p.status for p in parts)
        if data.get("status") and status != data["status"]:
            continue
        rows.append(
            {
                "id": rec_id,
                "parts": parts,
                "status": status,
                "status_label": labels[status] if status else uncategorised,
                "disagree": rec_id in disagreeing,
                "progress": progress.get(rec_id),
                "cluster": clusters.get(rec_id),
                "flags": in_flag_order(flags_by_rec[rec_id]),
            }
        )
    return rows, when


def _charts(rows: list[dict]) -> list:
    status_counts = Counter(r["status_label"] for r in rows)
    order = [str(s.label) for s in Status] + [str(_("Not categorised"))]
    by_side: Counter = Counter()
    by_lead: Counter = Counter()
    lead_ids = {p.lead_id for r in rows for p in r["parts"] if p.lead_id}
    from coopreview.accounts.models import Organisation

    org_names = {o.pk: o.display_name for o in Organisation.objects.filter(pk__in=lead_ids)}
    side_labels: dict[frozenset, str] = {}  # translated once per combination of sides
    for r in rows:
        sides = frozenset(p.side for p in r["parts"])
        label = side_labels.get(sides)
        if label is None:
            label = side_labels[sides] = str(
                _("Assembly and Court")
                if {"court", "assembly"} <= sides
                else ", ".join(str(Side(s).label) for s in sorted(sides)) or _("Not categorised")
            )
        by_side[label] += 1
        for p in r["parts"]:
            if p.lead_id:
                by_lead[org_names.get(p.lead_id, "—")] += 1
    by_cluster = Counter(r["cluster"] or "—" for r in rows)
    by_flag: Counter = Counter()
    flag_colours = {}
    no_flag = str(_("No priority flag"))
    for r in rows:
        for f in r["flags"]:
            by_flag[f.display_name] += 1
            flag_colours[f.display_name] = f.colour
        if not r["flags"]:
            by_flag[no_flag] += 1
    return [
        bar_chart("status", _("By status"), [(s, status_counts[s]) for s in order if status_counts[s]]),
        bar_chart("addressee", _("By addressee"), sorted(by_side.items())),
        bar_chart("cluster", _("By cluster"), sorted(by_cluster.items())),
        bar_chart("flag", _("By priority flag"), sorted(by_flag.items()), colours=flag_colours),
        bar_chart("lead", _("Parts by lead"), sorted(by_lead.items())),
    ]


def _narrowed(form: FollowupFilterForm) -> bool:
    """A filter other than the status narrows the recommendations (the order may still be chosen). The
    status filter narrows today's figures but not the months, which count every status."""
    if not form.is_bound:
        return False
    return bool(form.cleaned_data.get("disagree")) or (
        replace(form.to_filters(), sort="") != rec_selectors.RecommendationFilters()
    )


def _over_time(request: HttpRequest, sub, total: int, *, unfiltered: bool = False) -> dict:
    """Status counts at the end of each of the last six months: over every visible recommendation from
    the stored deltas (followup.over_time, a fixed few queries); filtered, from the stored spans of the
    overall status (past.status_counts_from_spans: one query a month)."""
    months = _month_ends(timezone.localdate(), 6)
    if unfiltered:
        table = list(zip(months, over_time.status_counts(user=request.user, whens=months), strict=True))
    else:
        table = [
            (month, past.status_counts_from_spans(user=request.user, when=month, recommendations=sub))
            for month in months
        ]
    advanced = {Status.ASSESSED, Status.ACTION_PLANNED, Status.IN_PROGRESS, Status.IMPLEMENTED}
    chart = bar_chart(
        "time",
        _("Recommendations assessed or further, month by month"),
        [(m.strftime("%Y-%m"), sum(c[s] for s in advanced)) for m, c in table],
        maximum=total or 1,
    )
    return {"table": table, "chart": chart, "statuses": list(Status)}


def _charts_from(s: summary.Summary) -> list:
    order = [str(st.label) for st in Status] + [str(_("Not categorised"))]
    return [
        bar_chart("status", _("By status"), [(k, s.by_status[k]) for k in order if s.by_status[k]]),
        bar_chart("addressee", _("By addressee"), sorted(s.by_side.items())),
        bar_chart("cluster", _("By cluster"), sorted(s.by_cluster.items())),
        bar_chart("flag", _("By priority flag"), sorted(s.by_flag.items()), colours=s.flag_colours),
        bar_chart("lead", _("Parts by lead"), sorted(s.by_lead.items())),
    ]


def _today(request: HttpRequest, form: FollowupFilterForm) -> dict:
    """Today's dashboard: counts, charts and rollup computed in the database (followup.summary), and
    only the current page's rows built, so the cost does not grow with one Python row per record."""
    data = form.cleaned_data if form.is_bound else {}
    filters = form.to_filters() if form.is_bound else rec_selectors.RecommendationFilters()
    unranked = rec_selectors.recommendation_list(
        user=request.user, filters=replace(filters, sort=SortOrder.REFERENCE)
    )
    if data.get("disagree"):
        unranked = unranked.filter(selectors.disagreement_q())
    scope = summary.with_overall(
        user=request.user, recommendations=Recommendation.objects.filter(pk__in=unranked.values("pk"))
    )
    kept = scope.filter(overall_rank=summary.rank_of(data["status"])) if data.get("status") else scope
    narrowed = _narrowed(form)
    if not (narrowed or data.get("status")):  # every visible recommendation: the stored counts (tallies)
        figures = tallies.summarise_all(user=request.user)
    else:
        figures = summary.summarise(user=request.user, recommendations=kept)
    total = unranked.count() if data.get("status") else figures.total
    ranked = rec_selectors.recommendation_ranked(user=request.user, filters=filters)
    if ranked is None:
        ordered = rec_selectors.recommendation_list(user=request.user, filters=filters)
        if data.get("disagree"):
            ordered = ordered.filter(selectors.disagreement_q())
        if data.get("status"):
            ordered = ordered.filter(pk__in=kept.values("pk"))
        listed = ordered.values_list("pk", flat=True)
    else:  # by relevance: the engine's order (a list bounded by its cap), kept to the rows kept above
        held = set(kept.filter(pk__in=ranked.ids).values_list("pk", flat=True))
        listed = [pk for pk in ranked.ids if pk in held]
    paginator = Paginator(listed, PAGE_SIZE)
    if not (narrowed or data.get("status")):
        paginator.count = figures.total  # the list holds every visible recommendation: no COUNT over them
    page = paginator.get_page(request.GET.get("page"))
    page_ids = list(page.object_list)
    rows, _when = dashboard_rows(request, form, (page_ids, page_ids))
    page.object_list = rows
    return {
        "count": figures.total,
        "page": page,
        "when": None,
        "charts": _charts_from(figures),
        "over_time": _over_time(request, unranked.values("pk"), total, unfiltered=not narrowed),
        "rollup": figures.rollup,
    }


def _as_of(request: HttpRequest, form: FollowupFilterForm) -> dict:
    """The dashboard at a past date: statuses come from the history, read per record (PastLayers)."""
    ids, sub = source = _recommendation_source(request, form)
    rows, when = dashboard_rows(request, form, source)
    kept = Recommendation.objects.filter(pk__in=[r["id"] for r in rows]) if form.data.get("status") else sub
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "count": len(rows),
        "page": page,
        "when": when,
        "charts": _charts(rows),
        "over_time": _over_time(request, sub, len(ids)),
        "rollup": selectors.progress_rollup(user=request.user, recommendations=kept),
    }


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    form = FollowupFilterForm(
        request.GET or None,
        sources=rec_selectors.sources_visible_to(user=request.user),
        sections=rec_selectors.sections_visible_to(user=request.user),
    )
    if form.is_bound and not form.is_valid():
        ctx = {"form": form, "rows": [], "charts": [], "when": None, "invalid": True}
        return render(request, "followup/dashboard.html", ctx, status=400)
    as_of = form.cleaned_data.get("as_of") if form.is_bound else None
    ctx = _as_of(request, form) if as_of else _today(request, form)
    page = ctx["page"]
    recs = {
        r.pk: r
        for r in Recommendation.objects.filter(pk__in=[row["id"] for row in page.object_list]).select_related(
            "source"
        )
    }
    for row in page.object_list:
        row["rec"] = recs[row["id"]]
    ctx.update(
        form=form,
        bulk=request.user.has_perm("recommendations.bulk_change"),
        # the same actions as above the recommendation list (e.g. report downloads keeping the filters)
        actions=[mark_safe(action(request)) for action in list_actions()],  # noqa: S308 — rendered templates
    )
    return render(request, "followup/dashboard.html", ctx)


@require_GET
def schedule_view(request: HttpRequest) -> HttpResponse:
    timeline = selectors.timeline_rows(user=request.user)
    mine = selectors.my_items(user=request.user)
    return render(request, "followup/schedule.html", {"timeline": timeline, "mine": mine})


@require_GET
def changes_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # the last 30 days unless the reader chose dates (a page link without them pages that period)
    data = {"start": today - timedelta(days=30), "end": today}
    data.update({key: value for key, value in request.GET.items() if key in ("start", "end")})
    form = ChangesForm(data)
    if not form.is_valid():
        return render(request, "followup/changes.html", {"form": form}, status=400)
    changes = selectors.changes_between(
        user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    page = changes.page(request.GET.get("page"), PAGE_SIZE, counted_up_to=CHANGES_COUNTED_UP_TO)
    cap = number_format(CHANGES_COUNTED_UP_TO, force_grouping=True)  # 1,000 in English, 1 000 in French
    return render(request, "followup/changes.html", {"form": form, "page": page, "cap": cap})


def list_link(request: HttpRequest) -> str:
    """Above the recommendation list (FollowupConfig.list_actions): the same filters on the follow-up
    dashboard, and the "where stakeholders disagree" filter, which lives there."""
    from django.template.loader import render_to_string

    params = request.GET.copy()
    for key in ("page", "sort", "group"):
        params.pop(key, None)
    disagree = params.copy()
    disagree["disagree"] = "on"
    ctx = {"query": params.urlencode(), "disagree_query": disagree.urlencode()}
    return render_to_string("followup/_list_link.html", ctx, request=request)
