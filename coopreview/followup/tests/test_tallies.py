"""The unfiltered dashboard's figures summed from the stored tallies (followup.tallies) equal those
grouped over every visible recommendation (summary.summarise, the reference) for every persona, after
writes through the services of every kind the tallies follow: categorisations and part moves, a part
confidential to the Prosecutor's Office, access layers and restrictions changed, flags set and cleared,
section and source changed, an import, a deletion; the rebuild gives the rows the writes kept. A
restricted recommendation is never counted for a reader outside it, and the dashboard's number of
queries does not grow with the number of recommendations."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.testing import client_for
from coopreview.followup import services, summary, tallies
from coopreview.followup.enums import Category, Status
from coopreview.followup.models import FollowupPart, Tally, TallyFacts
from coopreview.followup.overall import with_overall
from coopreview.followup.tests.corpus import PERSONAS
from coopreview.followup.tests.test_overall import written  # noqa: F401 — the fixture, reused
from coopreview.recommendations import services as rec_services
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation
from coopreview.recommendations.selectors import recommendations_visible_to


def _shape(s: summary.Summary) -> tuple:
    """Everything the dashboard shows; clusters compared as a set (tallies order them by their place in
    their source, summarise by their first recommendation's reference)."""
    return (
        s.total,
        dict(s.by_status),
        dict(s.by_side),
        dict(s.by_cluster),
        dict(s.by_flag),
        s.flag_colours,
        dict(s.by_lead),
        [(r.label, r.count, r.progress) for r in s.rollup["sources"]],
        sorted((r.label, r.count, r.progress) for r in s.rollup["clusters"]),
    )


def _reference(user) -> tuple:
    visible = with_overall(user=user, recommendations=recommendations_visible_to(user=user))
    return _shape(summary.summarise(user=user, recommendations=visible))


def _assert_equal_for_everyone(request) -> None:
    for persona in PERSONAS:
        user = request.getfixturevalue(persona) if persona else AnonymousUser()
        assert _shape(tallies.summarise_all(user=user)) == _reference(user), persona


def _stored() -> tuple[list, list]:
    return (
        sorted(Tally.objects.exclude(n=0).values_list(*Tally.KEY, "n")),
        sorted(TallyFacts.objects.values_list("recommendation_id", *tallies.FACT_FIELDS)),
    )


@pytest.fixture
def more_writes(written, orgs, editor, source, fac_flag):  # noqa: F811
    """After test_overall's part writes: layers, restrictions, flags, sections, sources, an import."""
    from coopreview.importers import services as import_services
    from coopreview.importers.conftest import SEED
    from coopreview.importers.tests.test_services import _plan

    both, registry = written["both"], written["registry"]
    other_flag = PriorityFlag.objects.create(name="Later", colour="#00FF00", owner=orgs["FAC-COOP"])
    update = rec_services.recommendation_update
    # 274 (a part confidential to the OTP): public → restricted to the OTP → members → public
    update(recommendation=both, by=editor, visibility=Visibility.RESTRICTED, restricted_to=[orgs["OTP"]])
    update(recommendation=both, by=editor, restricted_to=[orgs["OTP"], orgs["REGISTRY"]])
    update(recommendation=both, by=editor, visibility=Visibility.MEMBERS, restricted_to=[])
    update(recommendation=both, by=editor, priority_flags=[fac_flag, other_flag])
    # 279: flagged, then one flag cleared; restricted to the Registry; another cluster and source
    update(recommendation=registry, by=editor, priority_flags=[fac_flag, other_flag])
    update(recommendation=registry, by=editor, priority_flags=[other_flag])
    update(
        recommendation=registry, by=editor, visibility=Visibility.RESTRICTED, restricted_to=[orgs["REGISTRY"]]
    )
    elsewhere, _created = rec_services.source_get_or_create(symbol="ICC-ASP/20/1", title="Another review")
    deep = rec_services.section_get_or_create_path(
        source=elsewhere, titles=["Budget", "Staff", "Posts", "Leaf"]
    )
    update(recommendation=written["assembly"], by=editor, source=elsewhere, section=deep)
    update(recommendation=written["otp"], by=editor, section=None)
    import_services.plan_apply(plan=_plan(SEED, source="ICC-ASP/19/16", mark_flag=fac_flag.name), by=editor)
    imported = Recommendation.objects.exclude(pk__in=[r.pk for r in written.values()]).order_by("pk")
    first = imported[0]
    cat = services.categorisation_propose(recommendation=first, category=Category.ASSEMBLY, by=editor)
    part = FollowupPart.objects.get(recommendation=first)
    services.part_transition(part=part, by=editor, status=Status.NOT_PURSUED)
    update(recommendation=imported[1], by=editor, visibility=Visibility.MEMBERS)
    imported[2].delete()
    written["hidden"].delete()
    assert cat.pk and imported.count() > 3
    return written


def test_the_tallies_equal_the_grouped_figures_after_every_kind_of_write(request, more_writes):
    _assert_equal_for_everyone(request)


def test_the_rebuild_gives_the_rows_the_writes_kept(request, more_writes):
    kept = _stored()
    Tally.objects.all().delete()
    tallies.rebuild()  # (the command's span rebuild fails once a recommendation was deleted: spans' issue)

    assert _stored() == kept
    _assert_equal_for_everyone(request)


def test_a_deleted_flag_leaves_the_tallies(request, more_writes):
    PriorityFlag.objects.get(name="Later").delete()

    _assert_equal_for_everyone(request)
    kept = _stored()
    tallies.rebuild()
    assert _stored() == kept


def test_the_rebuild_command_rebuilds_the_tallies(written):  # noqa: F811
    kept = _stored()
    Tally.objects.all().delete()
    TallyFacts.objects.all().delete()
    call_command("followup_overall_rebuild")

    assert _stored() == kept and kept[0]


def test_a_confidential_part_counts_only_for_its_organ(request, written, court_focal_point, outsider):  # noqa: F811
    both = written["both"]

    otp = tallies.summarise_all(user=court_focal_point)
    out = tallies.summarise_all(user=outsider)

    _assert_equal_for_everyone(request)
    # the OTP's categorised part holds 274 back for the OTP only (test_overall's story)
    assert otp.by_status != out.by_status
    assert TallyFacts.objects.get(pk=both.pk).rank == summary.rank_of(Status.IMPLEMENTED)


def test_a_restricted_recommendation_is_never_counted_outside_it(
    request, leak_data, orgs, editor, court_focal_point, outsider, observer, state_focal_point
):
    secret = PriorityFlag.objects.create(name="Secret", colour="#000000", owner=orgs["FAC-COOP"])
    restricted = leak_data["restricted"]  # restricted to the OTP
    rec_services.recommendation_update(recommendation=restricted, by=editor, priority_flags=[secret])
    cat = services.categorisation_propose(recommendation=restricted, category=Category.COURT, by=editor)
    assert cat.pk

    for user in (AnonymousUser(), outsider, observer, state_focal_point):
        figures = tallies.summarise_all(user=user)
        assert "Secret" not in figures.by_flag
        assert figures.total == recommendations_visible_to(user=user).count() < 3
    assert "Secret" in tallies.summarise_all(user=court_focal_point).by_flag
    assert tallies.summarise_all(user=editor).total == 3
    _assert_equal_for_everyone(request)


def _dashboard_queries(user) -> int:
    client = client_for(user) if user else None
    from django.test import Client

    client = client or Client()
    client.get("/followup/")  # warm: the process's copies of small tables
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/followup/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", [None, "court_focal_point", "editor"])
def test_the_unfiltered_dashboard_costs_the_same_whatever_the_number_of_recommendations(
    request,
    written,  # noqa: F811
    source,
    editor,
    persona,  # noqa: F811
):
    user = request.getfixturevalue(persona) if persona else None
    before = _dashboard_queries(user)
    for i in range(30):
        rec = rec_services.recommendation_create(by=editor, source=source, reference=f"5{i:02}", text="More.")
        services.categorisation_propose(recommendation=rec, category=Category.BOTH, by=editor)

    assert _dashboard_queries(user) == before
