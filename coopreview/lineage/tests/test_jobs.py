"""Suggestions asked for on the web are fitted by a worker: the page follows the job, then shows them."""

import re

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.jobs.enums import JobKind, JobState
from coopreview.jobs.models import Job
from coopreview.jobs.services import job_run
from coopreview.lineage import services


def _poll_url(body: str) -> str:
    return re.search(r'hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")


def test_the_review_page_follows_the_fitting_job_then_shows_its_suggestions(
    settings, facilitator, editor, sets
):
    settings.JOBS_EAGER = False
    client = client_for(facilitator)
    params = {"source": sets["new"].pk, "target": sets["old"].pk}

    waiting = client.get("/lineage/review/", params)

    job = Job.objects.get(kind=JobKind.LINEAGE_SUGGEST)
    body = waiting.content.decode()
    assert waiting.status_code == 200 and job.owner == facilitator and job.state == JobState.QUEUED
    assert 'hx-trigger="every 1s"' in body and "article" not in body.split('id="suggestions-area"')[1]
    assert_valid_html(waiting.content)
    poll = _poll_url(body)
    assert f"job={job.pk}" in poll
    client.get("/lineage/review/", params)
    assert Job.objects.count() == 1  # asked again while it waits: the same job
    # another reviewer cannot read this job's result through its id
    assert client_for(editor).get(poll).status_code == 404

    settings.JOBS_EAGER = True  # the worker's entry point, in this process (progress written directly)
    assert job_run(job.pk) == "done"
    job.refresh_from_db()
    assert job.progress_total == 2 and job.result["pairs"]

    done = client.get(poll).content.decode()
    assert "A/HRC/20/1 90.1 ↔ A/HRC/8/1 67.1" in done and "every 1s" not in done
    assert "quokkacode" not in done  # restricted to the OTP: the facilitator's job never scored it


def test_pairs_linked_since_the_job_are_left_out(facilitator, sets):
    client = client_for(facilitator)
    params = {"source": sets["new"].pk, "target": sets["old"].pk}
    before = client.get("/lineage/review/", params).content.decode()
    assert "A/HRC/20/1 90.1 ↔ A/HRC/8/1 67.1" in before

    services.suggestion_reject(by=facilitator, a_pk=sets["new_opcat"].pk, b_pk=sets["old_opcat"].pk)
    after = client.get("/lineage/review/", params).content.decode()

    assert Job.objects.count() == 1  # the same model: no new fit
    assert "A/HRC/20/1 90.1 ↔ A/HRC/8/1 67.1" not in after


def test_a_failed_job_is_shown_and_not_started_again(settings, facilitator, sets):
    settings.JOBS_EAGER = False
    client = client_for(facilitator)
    client.get("/lineage/review/", {"source": sets["new"].pk})
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, error="The worker ran out of memory.")

    response = client.get("/lineage/review/", {"source": sets["new"].pk, "job": job.pk})

    assert response.status_code == 422 and "ran out of memory" in response.content.decode()
    assert Job.objects.count() == 1
