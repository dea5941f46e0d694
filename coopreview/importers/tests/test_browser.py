import time

import pytest

from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_accessible, sign_in
from coopreview.importers.conftest import SEED
from coopreview.jobs.enums import JobKind
from coopreview.jobs.models import Job
from coopreview.jobs.services import job_run
from coopreview.recommendations.models import Recommendation


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("background", [False, True])
def test_editor_uploads_previews_and_confirms(browser_page, editor, settings, background):
    """background: the jobs go to the queue and the page follows them while a worker (here the test
    itself, with job_run) runs them; otherwise they run inline."""
    settings.JOBS_EAGER = not background
    page = browser_page
    sign_in(page, "editor", PASSWORD)
    page.get_by_role("link", name="Import", exact=True).click()
    assert_accessible(page, context="upload")
    page.get_by_label("File").set_input_files(str(SEED))
    page.get_by_label("Source (document symbol)").fill("ICC-ASP/19/16")
    page.get_by_role("button", name="Read the file and preview").click()
    if background:
        page.wait_for_selector("#import-progress")
        _work(JobKind.IMPORT_PARSE)
    page.wait_for_selector("text=Changes")
    assert "17" in page.locator(".import-summary").inner_text()
    assert page.get_by_text("ICC-ASP/19/16 274").count() == 1
    assert_accessible(page, context="preview")
    page.get_by_role("button", name="Confirm and apply").first.click()  # at the top and the bottom
    if background:
        # the page polls the progress (htmx) and reloads itself when the apply is done
        page.wait_for_selector("#import-progress")
        _work(JobKind.IMPORT_APPLY)
        page.wait_for_selector("text=Applied: 17 new, 0 changed.", timeout=60_000)
        assert_accessible(page, context="applied")
    else:
        page.wait_for_url("**/recommendations/")
        assert "17 new, 0 changed" in page.content()
    assert Recommendation.objects.count() == 17


def _work(kind: str) -> None:
    """What a worker does: run the queued job of `kind`."""
    for _ in range(100):
        job = Job.objects.filter(kind=kind, state="queued").first()
        if job is not None:
            assert job_run(job.pk) == "done"
            return
        time.sleep(0.1)
    raise AssertionError(f"no {kind} job was queued")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_maps_an_unknown_name_and_renames_a_colour_flag(browser_page, editor, files):
    from coopreview.importers.tests.test_pdf_table import annex_docx

    path = annex_docx(files)
    names = files.csv("who.csv", [["Reference", "Text", "Recommended by"], ["R1", "Do it.", "kyrgysztan"]])
    page = browser_page
    sign_in(page, "editor", PASSWORD)

    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("File").set_input_files(str(names))
    page.get_by_label("Source (document symbol)").fill("X/1")
    page.get_by_role("button", name="Read the file and preview").click()
    page.wait_for_selector("text=Names not recognised")
    assert "Kyrgyzstan (KGZ)" in page.content()
    assert_accessible(page, context="preview with unknown names")
    page.get_by_role("button", name="Confirm", exact=True).click()
    page.wait_for_selector("text=now means Kyrgyzstan")
    page.get_by_role("button", name="Confirm and apply").first.click(no_wait_after=True)
    page.wait_for_url("**/recommendations/", timeout=60_000)

    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_label("Source (document symbol)").fill("ICC-ASP/19/16")
    page.get_by_role("button", name="Read the file and preview").click()
    page.wait_for_selector("text=Shaded rows")
    assert_accessible(page, context="preview with shaded rows")
    page.get_by_label("Flag for rows shaded #F4B183").fill("Facilitation")
    page.get_by_role("button", name="Rename").click()
    page.wait_for_selector('input[value="Facilitation"]')
    page.get_by_role("button", name="Confirm and apply").first.click(no_wait_after=True)
    page.wait_for_url("**/recommendations/", timeout=60_000)

    assert [o.code for o in Recommendation.objects.get(reference="R1").recommended_by.all()] == ["KGZ"]
    flagged = Recommendation.objects.filter(priority_flags__name="Facilitation").order_by("reference")
    assert [r.reference for r in flagged] == ["274", "290"]
