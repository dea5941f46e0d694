from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.followup import services
from coopreview.followup.enums import Assessment, Category, Status, UpdateState
from coopreview.followup.models import Action, Categorisation, FollowupPart, ProgressUpdate, StakeholderView

DASH = "/followup/"


@pytest.fixture
def categorised(recs, editor):
    for key, cat in (("both", Category.BOTH), ("otp", Category.COURT), ("registry", Category.COURT)):
        c = services.categorisation_propose(recommendation=recs[key], category=cat, by=editor)
        services.categorisation_approve(
            categorisation=c, by=editor, approved_by="Bureau", approved_on=date(2021, 6, 28)
        )
    services.categorisation_propose(recommendation=recs["hidden"], category=Category.COURT, by=editor)
    return recs


def test_panel_on_recommendation_page_shows_parts_and_forms_by_side(categorised, court_focal_point):
    rec = categorised["both"]

    body = client_for(court_focal_point).get(f"/recommendations/{rec.pk}/").content.decode()

    assert "Follow-up" in body and "Approved by Bureau" in body
    court = FollowupPart.objects.get(recommendation=rec, side="court")
    assembly = FollowupPart.objects.get(recommendation=rec, side="assembly")
    assert f"/followup/part/{court.pk}/" in body
    assert f"/followup/part/{assembly.pk}/" not in body
    assert "Only the Assembly's own roles edit this part." in body


def test_panel_is_valid_html_for_every_persona(request, categorised):
    for persona in ("admin_user", "editor", "facilitator", "court_focal_point", "outsider"):
        response = client_for(request.getfixturevalue(persona)).get(
            f"/recommendations/{categorised['both'].pk}/"
        )
        assert response.status_code == 200
        assert_valid_html(response.content)


def test_part_edit_by_court_focal_point_saves(categorised, court_focal_point):
    part = FollowupPart.objects.get(recommendation=categorised["both"], side="court")

    response = client_for(court_focal_point).post(
        f"/followup/part/{part.pk}/",
        {
            "assessment": Assessment.POSITIVE,
            "budgetary": "no",
            "narrative": "OTP view",
            "version": part.updated_at,
        },
    )

    assert response.status_code == 302
    part.refresh_from_db()
    assert (part.assessment, part.narrative) == (Assessment.POSITIVE, "OTP view")


@pytest.mark.parametrize(
    "persona", ["facilitator", "editor", "registry_focal_point", "state_focal_point", "outsider"]
)
def test_part_edit_by_wrong_side_is_403_and_nothing_saved(request, categorised, persona):
    part = FollowupPart.objects.get(recommendation=categorised["otp"])

    response = client_for(request.getfixturevalue(persona)).post(
        f"/followup/part/{part.pk}/", {"budgetary": "no", "narrative": "intrusion"}
    )

    assert response.status_code == 403
    part.refresh_from_db()
    assert part.narrative == ""


def test_assembly_part_refused_to_court(categorised, court_focal_point, facilitator):
    part = FollowupPart.objects.get(recommendation=categorised["both"], side="assembly")

    refused = client_for(court_focal_point).post(
        f"/followup/part/{part.pk}/", {"budgetary": "no", "narrative": "x"}
    )
    accepted = client_for(facilitator).post(
        f"/followup/part/{part.pk}/", {"budgetary": "yes", "narrative": "fac"}
    )

    assert (refused.status_code, accepted.status_code) == (403, 302)
    part.refresh_from_db()
    assert part.narrative == "fac"


def test_hidden_part_is_404_for_outsider(categorised, outsider):
    part = FollowupPart.objects.get(recommendation=categorised["hidden"])

    assert client_for(outsider).post(f"/followup/part/{part.pk}/", {"budgetary": "no"}).status_code == 404
    assert (
        client_for(outsider).get(f"/followup/recommendation/{categorised['hidden'].pk}/").status_code == 404
    )


def test_disallowed_transition_is_422_listing_allowed(categorised, court_focal_point):
    part = FollowupPart.objects.get(recommendation=categorised["otp"])

    response = client_for(court_focal_point).post(
        f"/followup/part/{part.pk}/status/", {"status": Status.IMPLEMENTED, "reason": "done"}
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "cannot become" in body and "Allowed: Assessed, Not to be pursued, Proposed" in body
    assert_valid_html(response.content)
    part.refresh_from_db()
    assert part.status == Status.CATEGORISED


def test_htmx_transition_returns_panel(categorised, court_focal_point):
    part = FollowupPart.objects.get(recommendation=categorised["otp"])

    response = client_for(court_focal_point).post(
        f"/followup/part/{part.pk}/status/",
        {"status": Status.NOT_PURSUED, "reason": "r"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert 'id="followup-panel"' in response.content.decode()
    assert "Status changed." in response.content.decode()


def test_two_sessions_editing_same_part_second_is_409_with_other_changes(
    categorised, court_focal_point, admin_user
):
    part = FollowupPart.objects.get(recommendation=categorised["otp"])
    first, second = client_for(court_focal_point), client_for(admin_user)
    version = part.updated_at  # both opened the form now

    ok = first.post(
        f"/followup/part/{part.pk}/", {"budgetary": "no", "narrative": "first", "version": version}
    )
    late = second.post(
        f"/followup/part/{part.pk}/", {"budgetary": "yes", "narrative": "second", "version": version}
    )

    assert (ok.status_code, late.status_code) == (302, 409)
    body = late.content.decode()
    assert "Someone else saved this record" in body and "first" in body
    part.refresh_from_db()
    assert (part.narrative, part.budgetary) == ("first", "no")


def test_categorise_and_approve_views(recs, editor, facilitator):
    rec = recs["assembly"]
    c = client_for(editor)

    assert (
        client_for(facilitator)
        .post(f"/followup/recommendation/{rec.pk}/categorise/", {"category": "assembly"})
        .status_code
        == 403
    )
    assert (
        c.post(f"/followup/recommendation/{rec.pk}/categorise/", {"category": "nonsense"}).status_code == 422
    )
    assert (
        c.post(f"/followup/recommendation/{rec.pk}/categorise/", {"category": "assembly"}).status_code == 302
    )
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    bad = c.post(
        f"/followup/recommendation/{rec.pk}/approve/", {"approved_by": "Bureau", "approved_on": future}
    )
    good = c.post(
        f"/followup/recommendation/{rec.pk}/approve/",
        {"approved_by": "Bureau", "approved_on": "2021-06-28", "approved_in": "9th meeting"},
    )

    assert bad.status_code == 422 and "future" in bad.content.decode()
    assert good.status_code == 302
    cat = Categorisation.objects.get(recommendation=rec)
    assert (cat.category, cat.approved, cat.approved_in) == ("assembly", True, "9th meeting")


def test_stakeholder_view_post_and_disagreement_filter(categorised, facilitator, orgs, fac_flag, outsider):
    rec = categorised["otp"]
    response = client_for(facilitator).post(
        f"/followup/recommendation/{rec.pk}/view/",
        {
            "organisation": orgs["FAC-COOP"].pk,
            "category": "both",
            "position": "To be discussed in the facilitation",
            "priority_flag": fac_flag.pk,
        },
    )
    assert response.status_code == 302

    body = client_for(outsider).get(DASH, {"disagree": "on"}).content.decode()

    assert StakeholderView.objects.get().priority_flag == fac_flag
    assert "1 recommendation" in body and f"{rec.source.symbol} 272" in body
    assert "274</a>" not in body


def test_view_for_foreign_organisation_is_refused(categorised, facilitator, orgs):
    response = client_for(facilitator).post(
        f"/followup/recommendation/{categorised['otp'].pk}/view/",
        {"organisation": orgs["OTP"].pk, "position": "x"},
    )

    assert response.status_code == 422
    assert not StakeholderView.objects.exists()


def test_action_and_update_flow(categorised, court_focal_point, editor, orgs, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rec = categorised["otp"]
    c = client_for(court_focal_point)
    bad = c.post(
        f"/followup/recommendation/{rec.pk}/action/",
        {
            "title": "Plan",
            "lead": orgs["OTP"].pk,
            "recommendations": [rec.pk],
            "start": "2026-05-01",
            "due": "2026-04-01",
            "progress": 0,
        },
    )
    assert bad.status_code == 422 and "before the start date" in bad.content.decode()
    ok = c.post(
        f"/followup/recommendation/{rec.pk}/action/",
        {
            "title": "Plan",
            "lead": orgs["OTP"].pk,
            "recommendations": [rec.pk],
            "start": "2026-01-01",
            "due": "2026-04-01",
            "progress": 0,
        },
    )
    action = Action.objects.get()
    assert ok.status_code == 302

    empty = c.post(f"/followup/action/{action.pk}/update/", {"text": "", "kind": "report"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = c.post(
        f"/followup/action/{action.pk}/update/",
        {"text": "t", "kind": "report", "attachment": SimpleUploadedFile("x.exe", b"MZ")},
    )
    good = c.post(
        f"/followup/action/{action.pk}/update/",
        {
            "text": "Draft done",
            "progress": "50",
            "kind": "report",
            "attachment": SimpleUploadedFile("n.pdf", b"%PDF"),
        },
    )
    assert (empty.status_code, exe.status_code, good.status_code) == (422, 422, 302)
    assert "not accepted" in exe.content.decode()
    update = ProgressUpdate.objects.get()
    att = update.attachments.get()
    assert "Draft done" not in client_for(outsider).get(f"/recommendations/{rec.pk}/").content.decode()
    assert client_for(outsider).get(f"/followup/attachment/{att.pk}/").status_code == 404

    assert client_for(court_focal_point).post(f"/followup/update/{update.pk}/validate/").status_code == 403
    client_for(editor).post(f"/followup/update/{update.pk}/validate/", {"decision": "publish"})

    update.refresh_from_db()
    assert update.state == UpdateState.PUBLISHED
    assert "Draft done" in client_for(outsider).get(f"/recommendations/{rec.pk}/").content.decode()
    download = client_for(outsider).get(f"/followup/attachment/{att.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF"
    assert Action.objects.get().progress == 50


def test_dashboard_counts_charts_and_no_leak(categorised, outsider, editor):
    body = client_for(outsider).get(DASH).content.decode()
    editor_body = client_for(editor).get(DASH).content.decode()

    assert "4 recommendations" in body  # both, otp, registry, assembly — not the restricted one
    assert "5 recommendations" in editor_body
    assert "<svg" in body and 'class="chart-data"' in body
    assert "999" not in body
    assert_valid_html(body)


def test_dashboard_as_of_shows_past_statuses(categorised, court_focal_point, outsider):
    part = FollowupPart.objects.get(recommendation=categorised["otp"])
    FollowupPart.history.filter(id=part.id).update(history_date=timezone.now() - timedelta(days=10))
    services.part_transition(part=part, by=court_focal_point, status=Status.NOT_PURSUED)

    past = client_for(outsider).get(DASH, {"as_of": (timezone.localdate() - timedelta(days=5)).isoformat()})
    now = client_for(outsider).get(DASH)

    assert "as of" in past.content.decode()
    assert "Not to be pursued</span>" not in past.content.decode()
    assert "Not to be pursued</span>" in now.content.decode()
    assert_valid_html(past.content)


def test_dashboard_bad_filter_is_400(db):
    from django.test import Client

    response = Client().get(DASH, {"as_of": "not-a-date"})

    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


def test_record_as_of_and_bad_date(categorised, outsider):
    rec = categorised["otp"]
    c = client_for(outsider)

    old = c.get(f"/followup/recommendation/{rec.pk}/", {"as_of": "2000-01-01"})
    bad = c.get(f"/followup/recommendation/{rec.pk}/", {"as_of": "2999-01-01"})

    assert old.status_code == 200 and "No part existed yet on that date." in old.content.decode()
    assert bad.status_code == 400
    assert_valid_html(old.content)


def test_changes_page(categorised, outsider):
    body = client_for(outsider).get("/followup/changes/").content.decode()

    assert "Categorised" in body and "wombat" not in body
    assert (
        client_for(outsider)
        .get("/followup/changes/", {"start": "2026-05-01", "end": "2026-01-01"})
        .status_code
        == 400
    )


def test_schedule_page(categorised, court_focal_point, orgs):
    services.action_create(
        by=court_focal_point,
        title="Overdue plan",
        lead=orgs["OTP"],
        recommendations=[categorised["otp"]],
        start=date(2020, 1, 1),
        due=date(2020, 2, 1),
    )

    response = client_for(court_focal_point).get("/followup/schedule/")

    body = response.content.decode()
    assert "Overdue plan" in body and "overdue" in body and "gantt-bar overdue" in body
    assert_valid_html(response.content)


def _make_recs(source, n):
    from coopreview.recommendations.models import Recommendation

    return [Recommendation.objects.create(source=source, reference=f"Q{i}", text=f"t{i}") for i in range(n)]


@pytest.mark.parametrize("url", [DASH, "/followup/schedule/", "/followup/changes/"])
def test_lists_constant_queries(url, source, editor, orgs, court_focal_point):
    def count(n):
        recs = _make_recs(source, n)
        for r in recs:
            r.addressees.set([orgs["OTP"]])
            services.categorisation_propose(recommendation=r, category=Category.COURT, by=editor)
            services.action_create(
                by=court_focal_point,
                title=f"A {r.reference}",
                lead=orgs["OTP"],
                recommendations=[r],
                start=date(2026, 1, 1),
                due=date(2026, 6, 1),
            )
        client = client_for(editor)
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        from coopreview.recommendations.models import Recommendation

        Action.objects.all().delete()
        FollowupPart.objects.all().delete()
        Categorisation.objects.all().delete()
        Recommendation.objects.all().delete()
        return len(ctx.captured_queries)

    assert count(1) == count(3)


def test_pages_in_french(categorised, court_focal_point):
    client = client_for(court_focal_point)
    client.cookies["django_language"] = "fr"

    panel = client.get(
        f"/recommendations/{categorised['both'].pk}/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    dash = client.get(DASH, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    refused = client.post(
        f"/followup/part/{FollowupPart.objects.get(recommendation=categorised['otp']).pk}/status/",
        {"status": Status.IMPLEMENTED},
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()

    assert "Évaluation par chaque destinataire" in panel and "Approuvée par Bureau" in panel
    assert "Tableau de bord du suivi" in dash and "Par statut" in dash
    assert "ne peut pas passer à" in refused and "Possibles : Évaluée" in refused


def test_recommendation_page_as_of_shows_past_follow_up(categorised, court_focal_point, outsider):
    rec = categorised["otp"]
    part = FollowupPart.objects.get(recommendation=rec)
    # The record and its part both existed ten days ago (the past is read under the record's layer
    # of that time, so a record "not yet created" would show no past parts at all).
    ten_days_ago = timezone.now() - timedelta(days=10)
    type(rec).history.filter(id=rec.id).update(history_date=ten_days_ago)
    FollowupPart.history.filter(id=part.id).update(history_date=ten_days_ago)
    services.part_update(part=part, by=court_focal_point, narrative="Today's narrative")
    past = (timezone.localdate() - timedelta(days=5)).isoformat()

    response = client_for(outsider).get(f"/recommendations/{rec.pk}/", {"as_of": past})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Parts as they stood" in body and "Categorised" in body
    assert "Today's narrative" not in body and "Propose a categorisation" not in body
    assert_valid_html(response.content)


def test_action_edit_by_lead_side_with_concurrency(
    categorised, court_focal_point, registry_focal_point, orgs, outsider
):
    action = services.action_create(
        by=court_focal_point,
        title="Plan",
        lead=orgs["OTP"],
        recommendations=[categorised["otp"]],
        start=date(2026, 1, 1),
        due=date(2026, 6, 1),
    )
    url = f"/followup/action/{action.pk}/"
    data = {
        "title": "Plan v2",
        "lead": orgs["OTP"].pk,
        "recommendations": [categorised["otp"].pk],
        "start": "2026-01-01",
        "due": "2026-07-01",
        "version": action.updated_at,
    }

    page = client_for(court_focal_point).get(url)
    assert page.status_code == 200 and "Edit the action" in page.content.decode()
    assert_valid_html(page.content)
    assert "Edit the action" not in client_for(outsider).get(url).content.decode()
    assert client_for(registry_focal_point).post(url, data).status_code == 403
    assert client_for(court_focal_point).post(url, {**data, "due": "2025-01-01"}).status_code == 422
    assert client_for(court_focal_point).post(url, data).status_code == 302
    late = client_for(court_focal_point).post(url, {**data, "title": "Plan v3"})

    assert late.status_code == 409 and "Plan v2" in late.content.decode()
    action.refresh_from_db()
    assert (action.title, action.due) == ("Plan v2", date(2026, 7, 1))


def test_recommendation_list_links_to_dashboard_with_same_filters(categorised, client):
    body = client.get("/recommendations/", {"addressee": "court", "q": "cooperation"}).content.decode()

    assert "/followup/?addressee=court&amp;q=cooperation&amp;disagree=on" in body
    assert "Where stakeholders disagree" in body


def test_dashboard_search_status_filter_and_pagination(categorised, editor, court_focal_point, monkeypatch):
    from coopreview.followup.views import overview

    monkeypatch.setattr(overview, "PAGE_SIZE", 2)
    part = FollowupPart.objects.get(recommendation=categorised["otp"])
    services.part_transition(part=part, by=court_focal_point, status=Status.NOT_PURSUED)
    client = client_for(editor)

    by_status = client.get(DASH, {"status": Status.NOT_PURSUED}).content.decode()
    searched = client.get(DASH, {"q": "wombatcode"}).content.decode()
    page2 = client.get(DASH, {"page": 2}).content.decode()

    assert "1 recommendation" in by_status and "ICC-ASP/19/16 272</a>" in by_status
    assert "1 recommendation" in searched and "ICC-ASP/19/16 999</a>" in searched
    assert "5 recommendations" in page2 and "Page 2 of 3" in page2
    assert_valid_html(page2)


def test_as_of_shows_views_and_actions_as_they_stood(
    categorised, facilitator, court_focal_point, orgs, outsider
):
    rec = categorised["otp"]
    view = services.stakeholder_view_record(
        recommendation=rec, organisation=orgs["FAC-COOP"], by=facilitator, position="Old position"
    )
    action = services.action_create(
        by=court_focal_point, title="Old title", lead=orgs["OTP"], recommendations=[rec]
    )
    ten_days_ago = timezone.now() - timedelta(days=10)
    StakeholderView.history.filter(id=view.id).update(history_date=ten_days_ago)
    Action.history.filter(id=action.id).update(history_date=ten_days_ago)
    services.stakeholder_view_record(
        recommendation=rec, organisation=orgs["FAC-COOP"], by=facilitator, position="New position"
    )
    services.action_update(action=action, by=court_focal_point, title="New title")
    past = (timezone.localdate() - timedelta(days=5)).isoformat()

    body = client_for(outsider).get(f"/recommendations/{rec.pk}/", {"as_of": past}).content.decode()

    assert "Old position" in body and "Old title" in body
    assert "New position" not in body and "New title" not in body


def test_schedule_and_my_items_do_not_leak_restricted_actions(categorised, court_focal_point, orgs, outsider):
    services.action_create(
        by=court_focal_point,
        title="Wombat plan",
        lead=orgs["OTP"],
        recommendations=[categorised["hidden"]],
        start=date(2026, 1, 1),
        due=date(2026, 2, 1),
    )

    hidden = client_for(outsider).get("/followup/schedule/").content.decode()
    shown = client_for(court_focal_point).get("/followup/schedule/").content.decode()

    assert "Wombat plan" not in hidden and "No dated action yet." in hidden
    assert shown.count("Wombat plan") == 2  # in "my items" and on the timeline


def test_dashboard_offers_report_downloads_keeping_filters_and_date(categorised, editor):
    day = (timezone.localdate() - timedelta(days=5)).isoformat()

    body = client_for(editor).get(DASH, {"addressee": "court", "as_of": day}).content.decode()

    assert 'action="/reports/download/"' in body
    assert 'name="addressee" value="court"' in body
    assert body.count('name="as_of"') == 2  # the dashboard's filter and the report's own date, not a third
    assert f'id="report-as-of" name="as_of" max="{timezone.localdate().isoformat()}" value="{day}"' in body
    assert_valid_html(body)
