"""The issue's whole path in Chromium: categorisation, approval, a disagreeing view, each side's part
(and the other side refused), an action plan, a validated progress update, the dashboard and "as of"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coopreview.core.demo import demo_load
from coopreview.core.testing import assert_accessible, post_with_token, sign_in
from coopreview.followup.models import (
    Action,
    Categorisation,
    FollowupPart,
    ProgressUpdate,
    StakeholderView,
    Transition,
)
from coopreview.followup.overall import overall_rebuild
from coopreview.recommendations.models import Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "coopreview-demo"  # noqa: S105 — the demo accounts' published password


@pytest.fixture
def demo(db, settings, tmp_path):
    """The demo, with 285 and 289 reset to "nothing done yet" and everything older moved 10 days back
    (the recommendations too: the past is read under the record's layer of that time)."""
    settings.MEDIA_ROOT = tmp_path
    demo_load()
    recs = {r.reference: r for r in Recommendation.objects.all()}
    for ref in ("285", "289"):
        StakeholderView.objects.filter(recommendation=recs[ref]).delete()
        FollowupPart.objects.filter(recommendation=recs[ref]).delete()
        Categorisation.objects.filter(recommendation=recs[ref]).delete()
    past = timezone.now() - timedelta(days=10)
    for model in (Recommendation, Categorisation, StakeholderView, FollowupPart, Action, ProgressUpdate):
        model.history.all().update(history_date=past)
    Transition.objects.update(at=past)
    overall_rebuild()  # parts deleted and history moved above, around the services that keep the figures
    return recs


def _sign_out(page):
    page.context.clear_cookies()


def test_whole_follow_up_path_in_english(browser_page, demo):
    page = browser_page
    rec = demo["289"]
    url = f"{page.base_url}/recommendations/{rec.pk}/"

    # 1. The Review Mechanism proposes the categorisation and records the Bureau's approval.
    sign_in(page, "editor", PASSWORD)
    page.goto(url)
    panel = page.locator("#followup-panel")
    cat = page.get_by_role("region", name="Categorisation")
    cat.get_by_text("Propose a categorisation").click()
    cat.get_by_label("Proposed categorisation").select_option("both")
    cat.get_by_label("Rationale").fill("Addressed to both in the annex")
    cat.get_by_role("button", name="Propose").click()
    page.get_by_text("Categorisation proposed.", exact=True).wait_for()
    cat.get_by_text("Record the approval").first.click()
    cat.get_by_label("Approved on").fill("2021-06-28")
    cat.get_by_label("Meeting or decision").fill("Bureau, 10th meeting")
    cat.get_by_role("button", name="Record the approval").click()
    page.get_by_text("Approval recorded.", exact=True).wait_for()
    assert "Approved by Bureau of the Assembly" in panel.inner_text()
    assert page.locator("article.part .status").all_inner_texts() == ["Categorised", "Categorised"]
    assert_accessible(page, context="panel, editor")

    # 2. The facilitation records a view that disagrees with the categorisation of 285 (Court only).
    page.goto(f"{page.base_url}/recommendations/{demo['285'].pk}/")
    cat.get_by_text("Propose a categorisation").click()
    cat.get_by_label("Proposed categorisation").select_option("court")
    cat.get_by_role("button", name="Propose").click()
    page.get_by_text("Categorisation proposed.", exact=True).wait_for()
    _sign_out(page)
    sign_in(page, "facilitator", PASSWORD)
    page.goto(f"{page.base_url}/recommendations/{demo['285'].pk}/")
    views = page.get_by_role("region", name="Stakeholder views")
    views.get_by_text("Record a view").click()
    views.get_by_label("Categorisation in this view").select_option("both")
    views.get_by_label("Position").fill("To be discussed in the facilitation")
    views.get_by_label("Rationale").fill("All the recommendations warrant being examined in the facilitation")
    views.get_by_label("Own priority flag").select_option(label="Facilitation priority")
    views.get_by_role("button", name="Record the view").click()
    page.get_by_text("View recorded.", exact=True).wait_for()
    assert "differs from the categorisation" in views.locator("table.views").inner_text()

    # 3. The facilitator edits the Assembly's part of 289, and cannot touch the Court's.
    page.goto(url)
    assembly = page.locator("article.part-assembly")
    court = page.locator("article.part-court")
    assert court.get_by_text("Edit the Court part").count() == 0
    assert "Only the Court's own roles edit this part." in court.inner_text()
    assembly.get_by_text("Edit the Assembly part").click()
    assembly_edit = assembly.get_by_role("group", name="Assessment, budget, lead and narrative")
    assembly_edit.get_by_label("Assessment", exact=True).select_option("further_consideration")
    assembly_edit.get_by_label("Narrative", exact=True).fill(
        "To be discussed in the facilitation on cooperation."
    )
    assembly_edit.get_by_role("button", name="Save the part").click()
    page.get_by_text("Assembly of States Parties saved.", exact=True).wait_for()
    court_part = FollowupPart.objects.get(recommendation=rec, side="court")
    assert (
        post_with_token(page, f"/followup/part/{court_part.pk}/", {"budgetary": "no", "narrative": "x"})
        == 403
    )

    # 4. The OTP focal point assesses the Court's part, and is refused the Assembly's.
    _sign_out(page)
    sign_in(page, "court", PASSWORD)
    page.goto(url)
    assert assembly.get_by_text("Edit the Assembly part").count() == 0
    court.get_by_text("Edit the Court part").click()
    court_edit = court.get_by_role("group", name="Assessment, budget, lead and narrative")
    court_edit.get_by_label("Assessment", exact=True).select_option("positive")
    court_edit.get_by_label("Budgetary implications", exact=True).select_option("yes")
    court_edit.get_by_label("Narrative", exact=True).fill("The Court will study a rewards programme.")
    court_edit.get_by_role("button", name="Save the part").click()
    page.get_by_text("International Criminal Court saved.", exact=True).wait_for()
    court.get_by_text("Edit the Court part").click()
    offered = court.get_by_label("New status").locator("option").all_inner_texts()
    assert "Implemented" not in offered and "Assessed" in offered  # only the allowed moves are offered
    court.get_by_label("New status").select_option("assessed")
    court.get_by_label("Why").fill("Assessed by the Office")
    court.get_by_role("button", name="Change the status").click()
    page.get_by_text("Status changed.", exact=True).wait_for()
    assert "Assessed" in court.locator(".status").inner_text()
    assembly_part = FollowupPart.objects.get(recommendation=rec, side="assembly")
    assert (
        post_with_token(page, f"/followup/part/{assembly_part.pk}/", {"budgetary": "no", "narrative": "x"})
        == 403
    )

    # 5. The OTP plans an action and reports progress with an attachment.
    plan = page.get_by_role("region", name="Action plan")
    plan.get_by_text("Plan an action").click()
    plan.get_by_label("Title").fill("Study a rewards programme")
    plan.get_by_label("Lead").select_option(label="Office of the Prosecutor")
    plan.get_by_label("Start").fill("2026-02-01")
    plan.get_by_label("Due").fill("2026-01-10")  # due before start: refused with a message
    plan.get_by_role("button", name="Plan the action").click()
    page.get_by_text("The due date is before the start date.", exact=True).wait_for()
    plan.get_by_label("Due").fill("2026-12-31")
    plan.get_by_role("button", name="Plan the action").click()
    page.get_by_text("Action “Study a rewards programme” planned.", exact=True).wait_for()
    action = page.locator("article.action", has_text="Study a rewards programme")
    action.get_by_text("Report progress").click()
    action.get_by_label("Progress made").fill("Terms of reference drafted.")
    action.get_by_label("Progress reached (%)").fill("20")
    action.get_by_label("Attachment", exact=True).set_input_files(
        files=[{"name": "terms.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 demo"}]
    )
    action.get_by_role("button", name="Submit for validation").click()
    page.get_by_text("an editor will validate it before it is published").wait_for()
    assert "Awaiting validation" in page.locator("article.action", has_text="Study a rewards").inner_text()

    # 6. An editor validates it; it is published and the progress rolls up.
    _sign_out(page)
    sign_in(page, "editor", PASSWORD)
    page.goto(url)
    page.locator("article.action", has_text="Study a rewards").get_by_role(
        "button", name="Validate and publish"
    ).click()
    page.get_by_text("Update published.", exact=True).wait_for()
    assert "Published" in page.locator("article.action", has_text="Study a rewards").inner_text()
    assert "In progress" in page.locator("article.part-court .status").inner_text()

    # 7. The dashboard shows it, with the disagreement filter and the charts' data tables.
    page.goto(page.base_url + "/followup/")
    row = page.locator("table.followup-list tbody tr", has_text="289")
    assert "Categorised" in row.inner_text() and "20 %" in row.inner_text()
    assert page.locator("figure.chart svg").count() >= 5
    assert page.locator("table.chart-data").count() >= 5
    assert_accessible(page, context="dashboard")
    page.get_by_label("Where stakeholders disagree").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**disagree=on**")
    assert "285" in page.locator("table.followup-list tbody").inner_text()

    # 8. "As of" five days ago: 289 had no follow-up yet, 274 was already under way.
    past = (timezone.localdate() - timedelta(days=5)).isoformat()
    page.goto(page.base_url + "/followup/")
    page.get_by_role("form", name="Filters").get_by_label("As of").fill(past)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"**as_of={past}**")
    assert "as of" in page.locator("h1").inner_text()
    assert "Not categorised" in page.locator("table.followup-list tbody tr", has_text="289").inner_text()
    assert "Categorised" in page.locator("table.followup-list tbody tr", has_text="273").inner_text()
    page.locator("table.followup-list a", has_text="289").click()
    page.get_by_text("No part existed yet on that date.", exact=True).wait_for()
    assert_accessible(page, context="record as of")

    # the schedule shows the new action on the timeline
    page.goto(page.base_url + "/followup/schedule/")
    assert page.locator("table.gantt-table tr", has_text="Study a rewards programme").count() == 1
    assert_accessible(page, context="schedule")


def test_path_in_french_with_refusals(browser_page, demo):
    page = browser_page
    rec = demo["273"]  # approved in the demo: both parts "categorised"
    sign_in(page, "court", PASSWORD)
    page.goto(f"{page.base_url}/recommendations/{rec.pk}/")
    page.get_by_role("button", name="Français").click()
    page.get_by_role("heading", name="Suivi", exact=True).wait_for()

    court = page.locator("article.part-court")
    assert (
        "Seuls les rôles propres au côté « Assemblée » modifient ce volet."
        in page.locator("article.part-assembly").inner_text()
    )
    court.get_by_text("Modifier le volet Cour").click()
    court.get_by_label("Nouveau statut").select_option("assessed")
    court.get_by_role("button", name="Changer le statut").click()  # no assessment yet: refused
    page.get_by_text("Évaluation : enregistrez l’évaluation").wait_for()
    court_edit = court.get_by_role("group", name="Évaluation, incidences budgétaires, chef de file et exposé")
    court_edit.get_by_label("Évaluation", exact=True).select_option("already_addressed")
    court_edit.get_by_label("Exposé", exact=True).fill("Déjà traité par le Bureau du Procureur.")
    court_edit.get_by_role("button", name="Enregistrer le volet").click()
    page.get_by_text("Cour pénale internationale : enregistré.", exact=True).wait_for()
    assert "Déjà traitée" in court.inner_text()
    assert_accessible(page, context="panel in French")

    page.goto(page.base_url + "/followup/")
    page.get_by_role("heading", name="Tableau de bord du suivi").wait_for()
    assert "Par statut" in page.locator("figure.chart").first.inner_text()
    past = (timezone.localdate() - timedelta(days=5)).isoformat()
    page.get_by_role("form", name="Filtres").get_by_label("À la date du").fill(past)
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url(f"**as_of={past}**")
    assert "à la date du" in page.locator("h1").inner_text()
    assert_accessible(page, context="dashboard in French")


def test_two_pages_editing_the_same_part(browser_page, demo):
    page = browser_page
    rec = demo["273"]
    url = f"{page.base_url}/recommendations/{rec.pk}/"
    sign_in(page, "court", PASSWORD)
    other = page.context.new_page()  # same user, second tab: both open the form before either saves
    page.goto(url)
    other.goto(url)
    for p in (page, other):
        p.locator("article.part-court").get_by_text("Edit the Court part").click()

    first = page.locator("article.part-court")
    first.get_by_label("Narrative", exact=True).fill("First tab's narrative")
    first.get_by_role("button", name="Save the part").click()
    page.get_by_text("International Criminal Court saved.", exact=True).wait_for()
    second = other.locator("article.part-court")
    second.get_by_label("Narrative", exact=True).fill("Second tab's narrative")
    second.get_by_role("button", name="Save the part").click()

    other.get_by_text("Someone else saved this record after you opened it.").first.wait_for()
    conflict = other.locator("section.conflict")
    assert "First tab's narrative" in conflict.inner_text()
    part = FollowupPart.objects.get(recommendation=rec, side="court")
    assert part.narrative == "First tab's narrative"
    other.close()


def test_dashboard_and_schedule_print_without_forms(browser_page, demo):
    page = browser_page
    sign_in(page, "court", PASSWORD)
    page.emulate_media(media="print")

    page.goto(page.base_url + "/followup/")
    assert not page.locator("form.filters").is_visible()
    assert page.locator("table.chart-data").first.is_visible()
    assert page.locator("figure.chart svg rect.bar").first.is_visible()
    page.goto(f"{page.base_url}/recommendations/{demo['274'].pk}/")
    assert not page.locator("#followup-panel form").first.is_visible()
    assert "Guidelines on the OTP" in page.locator("#followup-panel").inner_text()
    page.goto(page.base_url + "/followup/schedule/")
    assert page.locator("table.gantt-table rect.gantt-bar").first.is_visible()
