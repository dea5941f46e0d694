"""The Court part belongs to its lead organ; the Prosecutor's part can be kept from other organs
entirely (issue 14, item 4)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.followup import selectors, services
from coopreview.followup.enums import Assessment, Category
from coopreview.followup.models import FollowupPart
from coopreview.followup.services import FollowupError, WrongSide
from coopreview.recommendations.selectors import RecommendationFilters
from coopreview.reports.builders import ReportOptions, build_progress

SECRET = "Narrative of the Prosecutor: capybaracode."


@pytest.fixture
def otp_part(recs, editor, court_focal_point, orgs) -> FollowupPart:
    """274's Court part, led by the Office of the Prosecutor, with its narrative."""
    cat = services.categorisation_propose(recommendation=recs["both"], category=Category.BOTH, by=editor)
    services.categorisation_approve(
        categorisation=cat, by=editor, approved_by="Bureau", approved_on=date(2021, 6, 28)
    )
    part = FollowupPart.objects.get(recommendation=recs["both"], side="court")
    return services.part_update(
        part=part, by=court_focal_point, lead=orgs["OTP"], narrative=SECRET, assessment=Assessment.POSITIVE
    )


def test_another_organ_cannot_overwrite_the_lead_organs_part(otp_part, registry_focal_point, outsider):
    url = f"/followup/part/{otp_part.pk}/"
    data = {"budgetary": "unknown", "narrative": "Registry rewrite", "reason": "x"}

    with pytest.raises(WrongSide):
        services.part_update(part=otp_part, by=registry_focal_point, narrative="Registry rewrite")
    refused = client_for(registry_focal_point).post(url, data)
    outsider_refused = client_for(outsider).post(url, data)

    assert refused.status_code == 403 and outsider_refused.status_code == 403
    otp_part.refresh_from_db()
    assert otp_part.narrative == SECRET


def test_another_organ_contributes_its_own_view_instead(otp_part, registry_focal_point, orgs, recs):
    page = client_for(registry_focal_point).get(f"/recommendations/{recs['both'].pk}/").content.decode()

    view = services.stakeholder_view_record(
        recommendation=recs["both"], organisation=orgs["REGISTRY"], by=registry_focal_point, position="Agree"
    )

    assert "Only the Office of the Prosecutor edits this part" in page
    assert view.organisation == orgs["REGISTRY"]
    assert_valid_html(page)


def test_lead_organ_edits_and_can_keep_its_part_confidential(otp_part, court_focal_point):
    services.part_update(part=otp_part, by=court_focal_point, confidential=True, reason="Sensitive")

    otp_part.refresh_from_db()
    assert otp_part.confidential is True


def test_confidential_part_never_reaches_other_organs(
    otp_part, court_focal_point, registry_focal_point, outsider, editor, admin_user, recs
):
    services.part_update(part=otp_part, by=court_focal_point, confidential=True)
    rec = recs["both"]
    today = timezone.localdate()

    for user in (registry_focal_point, outsider, editor):
        client = client_for(user)
        page = client.get(f"/recommendations/{rec.pk}/").content.decode()
        changes = client.get("/followup/changes/").content.decode()
        as_of = client.get(f"/recommendations/{rec.pk}/", {"as_of": today.isoformat()}).content.decode()
        assert SECRET not in page and SECRET not in changes and SECRET not in as_of, user
        assert f"/followup/part/{otp_part.pk}/" not in page
        assert client.post(f"/followup/part/{otp_part.pk}/", {"budgetary": "no"}).status_code == 404
        assert otp_part.pk not in {p.pk for p in selectors.parts_visible_to(user=user)}
        changed = selectors.changes_between(user=user, start=today - timedelta(days=1), end=today)
        assert not any(SECRET in str(c.__dict__) for c in changed)
        report = build_progress(
            ReportOptions(user=user, since=today - timedelta(days=1), filters=RecommendationFilters())
        )
        assert SECRET not in str(report.__dict__)
    for user in (court_focal_point, admin_user):
        assert SECRET in client_for(user).get(f"/recommendations/{rec.pk}/").content.decode()


def test_only_a_court_part_can_be_confidential(recs, editor):
    services.categorisation_propose(recommendation=recs["assembly"], category=Category.ASSEMBLY, by=editor)
    part = FollowupPart.objects.get(recommendation=recs["assembly"])

    with pytest.raises(FollowupError):
        services.part_update(part=part, by=editor, confidential=True)


def test_lineage_review_counts_a_confidential_part_only_for_its_lead_organ(
    otp_part, court_focal_point, registry_focal_point, recs
):
    from coopreview.followup.enums import Status
    from coopreview.lineage.selectors import implementation_review

    services.part_update(part=otp_part, by=court_focal_point, confidential=True)
    # The overall status is the least advanced part's: the confidential part holds it back.
    FollowupPart.objects.filter(pk=otp_part.pk).update(status=Status.ASSESSED)
    FollowupPart.objects.filter(recommendation=otp_part.recommendation, side="assembly").update(
        status=Status.IN_PROGRESS
    )
    rec = recs["both"]

    def status_for(user) -> str:
        rows = implementation_review(user=user, source=rec.source, suggest=False)
        return next(r.status for r in rows if r.recommendation.pk == rec.pk)

    assert status_for(court_focal_point) == Status.ASSESSED
    assert status_for(registry_focal_point) == Status.IN_PROGRESS
