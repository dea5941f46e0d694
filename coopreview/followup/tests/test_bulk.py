"""Bulk changes: all or nothing, one history entry per record with the reason, no leak of hidden ids."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.exceptions import ServiceError
from coopreview.core.testing import assert_valid_html, client_for
from coopreview.followup import services
from coopreview.followup.bulk import BulkRefused, bulk_value, recommendations_bulk_change
from coopreview.followup.enums import Category, Status
from coopreview.followup.models import Categorisation, FollowupPart
from coopreview.recommendations.models import Recommendation, Theme


@pytest.fixture
def categorised(recs, editor):
    for key in ("both", "otp", "registry"):
        c = services.categorisation_propose(recommendation=recs[key], category=Category.BOTH, by=editor)
        services.categorisation_approve(
            categorisation=c, by=editor, approved_by="Bureau", approved_on=date(2021, 6, 28)
        )
    return recs


def _history_reasons(rec: Recommendation) -> list[str]:
    return list(rec.history.order_by("-history_date").values_list("history_change_reason", flat=True))


def test_bulk_flag_one_history_entry_each_with_the_reason(recs, editor, fac_flag):
    chosen = [recs["both"], recs["otp"], recs["assembly"]]
    before = {r.pk: r.history.count() for r in chosen}

    result = recommendations_bulk_change(
        ids=[r.pk for r in chosen], by=editor, action="add_flag", value=fac_flag, reason="Facilitation annex"
    )

    assert len(result.changed) == 3
    for r in chosen:
        assert list(r.priority_flags.all()) == [fac_flag]
        assert r.history.count() == before[r.pk] + 1
        assert _history_reasons(r)[0] == "Facilitation annex"
    assert not recs["registry"].priority_flags.exists()


def test_bulk_refused_record_writes_nothing_and_names_each_refusal(categorised, court_focal_point):
    # The OTP focal point acts for the Court part of 272 (OTP) and 274 (ICC), not for the Registry's 279.
    ids = [categorised["otp"].pk, categorised["both"].pk, categorised["registry"].pk]

    with pytest.raises(BulkRefused) as caught:
        recommendations_bulk_change(
            ids=ids, by=court_focal_point, action="status", value=Status.ASSESSED, reason="Reviewed"
        )

    reasons = {r.label: r.reason for r in caught.value.refusals}
    assert set(reasons) == {"ICC-ASP/19/16 272", "ICC-ASP/19/16 274", "ICC-ASP/19/16 279"}
    assert "record the assessment" in reasons["ICC-ASP/19/16 272"]
    assert "no follow-up part that you act for" in reasons["ICC-ASP/19/16 279"]
    assert set(FollowupPart.objects.values_list("status", flat=True)) == {Status.CATEGORISED}


def test_bulk_status_moves_only_the_users_side_and_is_atomic(categorised, court_focal_point):
    ids = [categorised["otp"].pk, categorised["both"].pk]

    recommendations_bulk_change(
        ids=ids, by=court_focal_point, action="status", value=Status.NOT_PURSUED, reason="Out of scope"
    )

    court = FollowupPart.objects.filter(recommendation_id__in=ids, side="court")
    assembly = FollowupPart.objects.filter(recommendation_id__in=ids, side="assembly")
    assert set(court.values_list("status", flat=True)) == {Status.NOT_PURSUED}
    assert set(assembly.values_list("status", flat=True)) == {Status.CATEGORISED}
    assert {t.reason for p in court for t in p.transitions.all()} >= {"Out of scope"}


def test_bulk_hidden_and_unknown_ids_refused_like_missing(
    recs, court_focal_point, registry_focal_point, editor, fac_flag
):
    hidden = recs["hidden"]  # restricted to the OTP: the Registry's focal point may not see it

    with pytest.raises(BulkRefused) as caught:
        recommendations_bulk_change(
            ids=[hidden.pk, 999999], by=registry_focal_point, action="add_flag", value=fac_flag, reason="x"
        )

    reasons = {r.label: r.reason for r in caught.value.refusals}
    assert reasons == {
        f"#{hidden.pk}": "Not found, or not visible to you.",
        "#999999": "Not found, or not visible to you.",
    }
    assert "wombatcode" not in str(caught.value.refusals)


def test_bulk_flag_refused_to_non_editor_and_outsider(recs, facilitator, outsider, fac_flag):
    for user in (facilitator, outsider):
        with pytest.raises(BulkRefused):
            recommendations_bulk_change(
                ids=[recs["both"].pk], by=user, action="add_flag", value=fac_flag, reason="x"
            )
    assert not recs["both"].priority_flags.exists()


def test_bulk_categorise_and_lead_and_theme(recs, editor, orgs):
    theme = Theme.objects.create(slug="cooperation", name="Cooperation")
    ids = [recs["both"].pk, recs["assembly"].pk]

    recommendations_bulk_change(
        ids=ids, by=editor, action="categorise", value=Category.ASSEMBLY, reason="RM view"
    )
    recommendations_bulk_change(
        ids=ids, by=editor, action="lead", value=orgs["FAC-COOP"], reason="Facilitation leads"
    )
    recommendations_bulk_change(ids=ids, by=editor, action="add_theme", value=theme, reason="Theme")

    cats = Categorisation.objects.filter(recommendation_id__in=ids)
    assert {c.category for c in cats} == {Category.ASSEMBLY}
    assert {c.history.first().history_change_reason for c in cats} == {"RM view"}
    leads = FollowupPart.objects.filter(recommendation_id__in=ids, side="assembly").values_list(
        "lead__code", flat=True
    )
    assert set(leads) == {"FAC-COOP"}
    assert all(theme in Recommendation.objects.get(pk=pk).themes.all() for pk in ids)


def test_bulk_needs_a_reason_and_a_selection(recs, editor, fac_flag):
    with pytest.raises(ServiceError, match="Reason"):
        recommendations_bulk_change(
            ids=[recs["both"].pk], by=editor, action="add_flag", value=fac_flag, reason=" "
        )
    with pytest.raises(ServiceError, match="Selection"):
        recommendations_bulk_change(ids=[], by=editor, action="add_flag", value=fac_flag, reason="x")
    with pytest.raises(ServiceError, match="Value"):
        bulk_value("add_flag", "nope")


def _queries_for(n: int, source, editor, flag) -> int:
    recs = [
        Recommendation.objects.create(source=source, reference=f"Q{n}-{i}", text="t", visibility="public")
        for i in range(n)
    ]
    with CaptureQueriesContext(connection) as ctx:
        recommendations_bulk_change(
            ids=[r.pk for r in recs], by=editor, action="add_flag", value=flag, reason="q"
        )
    return len(ctx.captured_queries)


def test_bulk_queries_grow_by_a_fixed_amount_per_record(source, editor, fac_flag):
    three = _queries_for(3, source, editor, fac_flag)
    thirty = _queries_for(30, source, editor, fac_flag)

    # Each record costs what its own edit page's save costs (the update, its history with the m2m
    # snapshot, the search index entry: about 41 queries on SQLite), never more as the selection grows.
    per_record = round((thirty - three) / 27)
    assert per_record <= 42, (three, thirty)
    assert thirty <= 30 * per_record + 8, (three, thirty)  # fixed part: the selection's reads, a few queries


def test_bulk_view_applies_and_redirects_back(recs, editor, fac_flag):
    client = client_for(editor)

    response = client.post(
        "/followup/bulk/",
        {
            "ids": [recs["both"].pk, recs["otp"].pk],
            "change": f"add_flag:{fac_flag.pk}",
            "reason": "Annex",
            "next": "/recommendations/?q=x",
        },
    )

    assert response.status_code == 302 and response["Location"] == "/recommendations/?q=x"
    assert recs["otp"].priority_flags.get() == fac_flag
    page = client.get("/recommendations/?q=x").content.decode()
    assert "2 recommendations changed." in page


def test_bulk_view_lists_refusals_and_keeps_nothing(recs, facilitator, fac_flag):
    response = client_for(facilitator).post(
        "/followup/bulk/",
        {
            "ids": [recs["both"].pk],
            "change": f"add_flag:{fac_flag.pk}",
            "reason": "Annex",
            "next": "https://evil.example/",
        },
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert_valid_html(body)
    assert "ICC-ASP/19/16 274" in body and "flags or themes" in body
    assert 'href="/recommendations/"' in body  # the unsafe next is not followed
    assert not recs["both"].priority_flags.exists()


def test_bulk_view_refuses_anonymous_observer_and_missing_reason(recs, observer, editor, fac_flag):
    data = {"ids": [recs["both"].pk], "change": f"add_flag:{fac_flag.pk}", "reason": "x"}
    assert client_for(None).post("/followup/bulk/", data).status_code == 302  # to sign in
    assert client_for(observer).post("/followup/bulk/", data).status_code == 403
    response = client_for(editor).post("/followup/bulk/", {**data, "reason": ""})
    assert response.status_code == 422 and "Reason" in response.content.decode()
    assert not recs["both"].priority_flags.exists()


def test_list_shows_checkboxes_and_controls_only_to_members(recs, editor, observer):
    body = client_for(editor).get("/recommendations/").content.decode()
    assert_valid_html(body)
    assert f'name="ids" value="{recs["both"].pk}" form="bulk-form"' in body and 'id="bulk-form"' in body
    assert 'id="bulk-form"' in client_for(editor).get("/followup/").content.decode()
    anon = client_for(observer).get("/recommendations/").content.decode()
    assert 'name="ids"' not in anon and "bulk-form" not in anon
