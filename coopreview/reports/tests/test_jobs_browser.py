"""A visitor asks for a large annex PDF: the job page shows its progress, then offers the file."""

import pytest

from coopreview.core.testing import assert_accessible, assert_valid_html
from coopreview.jobs.enums import JobKind
from coopreview.jobs.models import Job
from coopreview.jobs.services import job_run


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_follows_a_large_annex_pdf_and_downloads_it(browser_page, seed, settings, tmp_path):
    settings.JOBS_EAGER = False  # a worker builds it: here, the test itself, once the page shows it waiting
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_JOB_THRESHOLD = 5  # the seed's 17 recommendations are "large"
    page = browser_page
    page.goto(page.base_url + "/recommendations/")

    page.get_by_role("button", name="Download PDF").click()
    page.wait_for_url("**/reports/jobs/*/")
    assert page.locator(".job-state").inner_text().startswith("Waiting")
    assert page.get_by_label("Progress").get_attribute("value") == "0"
    assert_accessible(page, context="report job")
    assert_valid_html(page.content().encode())

    job = Job.objects.get(kind=JobKind.REPORT_BUILD)
    assert job.owner is None
    assert job_run(job.pk) == "done"

    link = page.get_by_role("link", name="Download annex-")
    link.wait_for(timeout=20_000)  # the page polls every second
    assert page.locator(".job-state").inner_text() == "Done"
    with page.expect_download() as info:
        link.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    assert path.suffix == ".pdf" and path.read_bytes().startswith(b"%PDF")
    job.refresh_from_db()
    assert info.value.suggested_filename == job.result["filename"] and job.result["rows"] == 17
