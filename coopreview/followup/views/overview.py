"""Overviews: the dashboard (counts, charts, the filtered list, "as of"), the schedule, what changed."""

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coopreview.accounts.enums import Side
from coopreview.followup import selectors
from coopreview.followup.charts import bar_chart
from coopreview.followup.enums import Status
from coopreview.followup.forms import ChangesForm, FollowupFilterForm
from coopreview.followup.models import FollowupPart
from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.models import Recommendation


def _month_ends(today: date, count: int) -> list[date]:
    ends, cursor = [], today.replace(day=1) - timedelta(days=1)
    for _i in range(count - 1):
        ends.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return [*ends[::-1], today]


def dashboard_rows(request: HttpRequest, form: FollowupFilterForm) -> tuple[list[dict], date | None]:
    """The filtered recommendations with their overall status (as of the chosen date), in fixed queries."""
    filters = form.to_filters() if form.is_bound else rec_selectors.RecommendationFilters()
    data = form.cleaned_data if form.is_bound else {}
    qs = rec_selectors.recommendation_list(user=request.user, filters=filters)
    if data.get("disagree"):
        qs = qs.filter(selectors.disagreement_q())
    recs = list(qs)
    when = data.get("as_of")
    parts_by_rec: dict[int, list] = defaultdict(list)
    if when:
        for snap in selectors.parts_as_of(user=request.user, when=when, recommendations=recs):
            parts_by_rec[snap.recommendation_id].append(snap)
    else:
        for part in FollowupPart.objects.filter(recommendation__in=[r.pk for r in recs]).select_related(
            "lead"
        ):
            parts_by_rec[part.recommendation_id].append(part)
    disagreeing = set(
        Recommendation.objects.filter(pk__in=[r.pk for r in recs])
        .filter(selectors.disagreement_q())
        .values_list("pk", flat=True)
    )
    progress = selectors.recommendation_progress(user=request.user, recommendations=recs)
    rows = []
    for rec in recs:
        parts = parts_by_rec[rec.pk]
        status = selectors.overall_status(p.status for p in parts)
        if data.get("status") and status != data["status"]:
            continue
        rows.append(
            {
                "rec": rec,
                "parts": parts,
                "status": status,
                "status_label": Status(status).label if status else _("Not categorised"),
                "disagree": rec.pk in disagreeing,
                "progress": progress.get(rec.pk),
                "cluster": rec_selectors.cluster_of(rec),
            }
        )
    return rows, when


def _charts(request: HttpRequest, rows: list[dict], when: date | None) -> list:
    status_counts = Counter(r["status_label"] for r in rows)
    order = [str(s.label) for s in Status] + [_("Not categorised")]
    by_side: Counter = Counter()
    by_lead: Counter = Counter()
    org_names = {}
    if when:
        from coopreview.accounts.models import Organisation

        org_names = {o.pk: o.display_name for o in Organisation.objects.exclude(kind="state")}
    for r in rows:
        sides = {p.side for p in r["parts"]}
        label = (
            _("Assembly and Court")
            if {"court", "assembly"} <= sides
            else ", ".join(str(Side(s).label) for s in sorted(sides)) or _("Not categorised")
        )
        by_side[label] += 1
        for p in r["parts"]:
            lead = org_names.get(p.lead_id) if when else (p.lead.display_name if p.lead else None)
            if lead:
                by_lead[lead] += 1
    by_cluster = Counter(r["cluster"].display_title if r["cluster"] else "—" for r in rows)
    by_flag: Counter = Counter()
    flag_colours = {}
    for r in rows:
        for f in r["rec"].priority_flags.all():
            by_flag[f.display_name] += 1
            flag_colours[f.display_name] = f.colour
        if not r["rec"].priority_flags.all():
            by_flag[_("No priority flag")] += 1
    return [
        bar_chart("status", _("By status"), [(s, status_counts[s]) for s in order if status_counts[s]]),
        bar_chart("addressee", _("By addressee"), sorted(by_side.items())),
        bar_chart("cluster", _("By cluster"), sorted(by_cluster.items())),
        bar_chart("flag", _("By priority flag"), sorted(by_flag.items()), colours=flag_colours),
        bar_chart("lead", _("Parts by lead"), sorted(by_lead.items())),
    ]


def _over_time(request: HttpRequest, rows: list[dict]) -> dict:
    """Status counts at the end of each of the last six months (from the history)."""
    recs = [r["rec"] for r in rows]
    months = _month_ends(timezone.localdate(), 6)
    table = []
    for month in months:
        counts = selectors.status_counts_as_of(user=request.user, when=month, recommendations=recs)
        table.append((month, counts))
    advanced = {Status.ASSESSED, Status.ACTION_PLANNED, Status.IN_PROGRESS, Status.IMPLEMENTED}
    chart = bar_chart(
        "time",
        _("Recommendations assessed or further, month by month"),
        [(m.strftime("%Y-%m"), sum(c[s] for s in advanced)) for m, c in table],
        maximum=len(recs) or 1,
    )
    return {"table": table, "chart": chart, "statuses": list(Status)}


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
    rows, when = dashboard_rows(request, form)
    rollup = selectors.progress_rollup(
        user=request.user, recommendations=Recommendation.objects.filter(pk__in=[r["rec"].pk for r in rows])
    )
    ctx = {
        "form": form,
        "rows": rows,
        "when": when,
        "charts": _charts(request, rows, when),
        "over_time": _over_time(request, rows),
        "rollup": rollup,
    }
    return render(request, "followup/dashboard.html", ctx)


@require_GET
def schedule_view(request: HttpRequest) -> HttpResponse:
    timeline = selectors.timeline_rows(user=request.user)
    mine = selectors.my_items(user=request.user)
    return render(request, "followup/schedule.html", {"timeline": timeline, "mine": mine})


@require_GET
def changes_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ChangesForm(request.GET or {"start": today - timedelta(days=30), "end": today})
    if not form.is_valid():
        return render(request, "followup/changes.html", {"form": form, "changes": []}, status=400)
    changes = selectors.changes_between(
        user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    return render(request, "followup/changes.html", {"form": form, "changes": changes})


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
