"""The dashboard's figures computed in the database (followup.summary) equal those of the per-record
Python computation they replace (dashboard_rows, _charts, progress_rollup), for every persona and with
the status filter; the list shows one page of rows."""

import pytest
from django.test import RequestFactory

from coopreview.followup import selectors
from coopreview.followup.enums import Status
from coopreview.followup.forms import FollowupFilterForm
from coopreview.followup.models import FollowupPart
from coopreview.followup.overall import overall_rebuild
from coopreview.followup.tests.corpus import build
from coopreview.followup.views import overview
from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.models import PriorityFlag, Recommendation
from coopreview.recommendations.services import section_get_or_create_path


@pytest.fixture
def varied(orgs, editor, court_focal_point):
    corpus = build(n=12, orgs=orgs, editor=editor, court=court_focal_point)
    recs = list(Recommendation.objects.order_by("pk"))
    source = recs[0].source
    deep = section_get_or_create_path(source=source, titles=["Cluster A", "Sub", "Subsub", "Leaf"])
    flat = section_get_or_create_path(source=source, titles=["Cluster B"])
    flag = PriorityFlag.objects.create(name="Urgent", colour="#FF0000", owner=orgs["FAC-COOP"])
    other = PriorityFlag.objects.create(name="Later", colour="#00FF00", owner=orgs["FAC-COOP"])
    for i, rec in enumerate(recs):
        Recommendation.objects.filter(pk=rec.pk).update(section=[deep, flat, None][i % 3])
        rec.priority_flags.set([flag, other][: i % 3])
    parts = list(FollowupPart.objects.order_by("pk"))
    for i, part in enumerate(parts):
        status = [None, Status.NOT_PURSUED, Status.IMPLEMENTED, Status.IN_PROGRESS][i % 4]
        if status:
            FollowupPart.objects.filter(pk=part.pk).update(status=status, confidential=i % 5 == 0)
    overall_rebuild()  # the updates above bypass the services that keep the stored overall status
    return corpus


def _figures(user, data: dict):
    request = RequestFactory().get("/followup/", data)
    request.user = user
    form = FollowupFilterForm(
        data or None,
        sources=rec_selectors.sources_visible_to(user=user),
        sections=rec_selectors.sections_visible_to(user=user),
    )
    assert not form.is_bound or form.is_valid()
    # reference: one Python row per recommendation, as the dashboard computed them before
    ids, sub = overview._recommendation_source(request, form)
    rows, _when = overview.dashboard_rows(request, form, (ids, sub))
    kept = Recommendation.objects.filter(pk__in=[r["id"] for r in rows]) if data.get("status") else sub
    rollup = selectors.progress_rollup(user=user, recommendations=kept)
    # the unfiltered dashboard reads the stored tallies, which order clusters by their place in their
    # source, not by their first recommendation's reference (followup.tallies): compared as sets there
    clusters = list if data else sorted
    expected = (
        len(rows),
        [(c.key, [(b.label, b.value, b.colour) for b in c.bars]) for c in overview._charts(rows)],
        [(r.label, r.count, r.progress) for r in rollup["sources"]]
        + clusters((r.label, r.count, r.progress) for r in rollup["clusters"]),
        [r["id"] for r in rows][: overview.PAGE_SIZE],
    )
    ctx = overview._today(request, form)
    got = (
        ctx["count"],
        [(c.key, [(b.label, b.value, b.colour) for b in c.bars]) for c in ctx["charts"]],
        [(r.label, r.count, r.progress) for r in ctx["rollup"]["sources"]]
        + clusters((r.label, r.count, r.progress) for r in ctx["rollup"]["clusters"]),
        [r["id"] for r in ctx["page"].object_list],
    )
    return expected, got, rows


@pytest.mark.parametrize("persona", [None, "observer", "court_focal_point", "editor"])
@pytest.mark.parametrize("data", [{}, {"status": Status.IMPLEMENTED}, {"status": Status.NOT_PURSUED}])
def test_database_figures_equal_the_per_record_ones(request, varied, persona, data, monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    monkeypatch.setattr(overview, "PAGE_SIZE", 5)
    user = request.getfixturevalue(persona) if persona else AnonymousUser()
    expected, got, rows = _figures(user, data)
    assert rows or data, "the corpus leaves something to count"
    assert got == expected
    assert len(got[3]) == min(5, len(rows))  # only one page of rows is built


def test_rollup_rows_escape_labels_as_the_template_did():
    from coopreview.followup.selectors import Rollup
    from coopreview.followup.templatetags.followup import rollup_rows

    rows = [
        Rollup(label='A/19 <b>"x"</b> & co', count=3, progress=40),
        Rollup(label="B", count=1, progress=0),
    ]

    html = rollup_rows(rows, "total")

    assert html == (
        '<tr class="total"><th scope="row">A/19 &lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; co</th><td>3</td>'
        '<td>40 %</td></tr><tr class="total"><th scope="row">B</th><td>1</td><td>0 %</td></tr>'
    )
    assert rollup_rows(rows[1:]) == '<tr><th scope="row">B</th><td>1</td><td>0 %</td></tr>'
