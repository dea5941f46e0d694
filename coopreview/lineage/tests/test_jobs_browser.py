"""A reviewer asks for suggestions: the page shows the fitting job's progress, then the suggestions."""

import pytest

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.jobs.enums import JobKind
from coopreview.jobs.models import Job
from coopreview.jobs.services import job_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggestions_appear_when_the_fitting_job_is_done(browser_page, facilitator, sets, settings):
    settings.JOBS_EAGER = False  # the test plays the worker once the page shows the job waiting
    page = browser_page
    sign_in(page, "facilitator", PASSWORD)

    page.goto(page.base_url + f"/lineage/review/?source={sets['new'].pk}&target={sets['old'].pk}")
    assert page.locator(".job-state").inner_text().startswith("Waiting")
    assert_accessible(page, context="suggestions being fitted")
    job = Job.objects.get(kind=JobKind.LINEAGE_SUGGEST)
    settings.JOBS_EAGER = True  # progress written directly by this process
    assert job_run(job.pk) == "done"

    page.locator("article.suggestion").first.wait_for(timeout=20_000)  # the page polls every second
    assert "A/HRC/20/1 90.1 ↔ A/HRC/8/1 67.1" in page.locator("#suggestions-area").inner_text()
    assert page.locator(".job-state").count() == 0
    first = page.locator("article.suggestion").first
    first.get_by_label("Link type").select_option("supersedes")
    first.get_by_role("button", name="Confirm link").click()  # htmx forms work in the swapped-in part
    first.get_by_text("Confirmed:").wait_for()
