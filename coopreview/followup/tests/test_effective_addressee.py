"""The approved categorisation is the addressee shown everywhere (issue 14, item 3)."""

from datetime import date

from coopreview.core.testing import client_for
from coopreview.followup import services
from coopreview.followup.enums import Category
from coopreview.recommendations.selectors import RecommendationFilters
from coopreview.reports.builders import ReportOptions, build_annex


def _approve(rec, category, editor):
    cat = services.categorisation_propose(recommendation=rec, category=category, by=editor)
    return services.categorisation_approve(
        categorisation=cat, by=editor, approved_by="Bureau", approved_on=date(2021, 6, 28)
    )


def test_approved_categorisation_becomes_the_addressee_everywhere(recs, editor, orgs, outsider):
    rec = recs["registry"]  # imported as addressed to the Registry (Court side) only

    _approve(rec, Category.BOTH, editor)

    assert set(rec.addressees.all()) == {orgs["REGISTRY"], orgs["ASP"]}
    assembly = client_for(outsider).get("/recommendations/", {"addressee": "assembly"}).content.decode()
    assert f"/recommendations/{rec.pk}/" in assembly
    annex = build_annex(ReportOptions(user=editor, filters=RecommendationFilters(q="279")))
    assert [(r.reference, r.addressee) for r in annex.rows] == [("279", "Assembly & Court")]
    page = client_for(editor).get(f"/recommendations/{rec.pk}/").content.decode()
    assert "Assembly &amp; Court" in page or "Assembly and Court" in page
    assert "Categorisation approved: Assembly and Court (Bureau)" in page  # in the record's timeline


def test_imported_addressee_stays_in_the_history(recs, editor, orgs):
    rec = recs["otp"]

    _approve(rec, Category.ASSEMBLY, editor)

    last, before = rec.history.order_by("-history_date", "-history_id")[:2]
    assert [a.organisation_id for a in before.addressees.all()] == [orgs["OTP"].pk]
    assert [a.organisation_id for a in last.addressees.all()] == [orgs["ASP"].pk]
    assert last.history_change_reason == "Categorisation approved: Assembly (Bureau)"


def test_approval_that_changes_nothing_leaves_no_history(recs, editor):
    rec = recs["otp"]
    before = rec.history.count()

    _approve(rec, Category.COURT, editor)

    assert rec.history.count() == before
