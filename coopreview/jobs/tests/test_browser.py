import pytest
from django.db.models import F

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.jobs.enums import JobKind, JobState
from coopreview.jobs.models import Job


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_owner_follows_a_job_until_it_is_done(browser_page, editor, outsider, tmp_path):
    job = Job.objects.create(kind=JobKind.SEARCH_REINDEX, owner=editor, title="Index annex.txt",
                             state=JobState.RUNNING, progress_done=40, progress_total=100)  # fmt: skip
    page = browser_page
    sign_in(page, "editor", PASSWORD)

    page.goto(page.base_url + "/jobs/")
    assert "40 %" in page.locator("#jobs-table").inner_text()
    assert_accessible(page, context="jobs")
    Job.objects.filter(pk=job.pk).update(state=JobState.DONE, progress_done=F("progress_total"))

    page.wait_for_selector("text=Done", timeout=20_000)  # the table polls while a job runs
    assert "100 %" in page.locator("#jobs-table").inner_text()
    page.get_by_role("link", name="Index annex.txt").click()
    assert page.locator(".job-state").inner_text() == "Done"
