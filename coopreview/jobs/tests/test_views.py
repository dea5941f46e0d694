from datetime import timedelta

from django.utils import timezone

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.jobs.enums import JobKind, JobState
from coopreview.jobs.models import Job
from coopreview.jobs.services import job_attach_file, job_claim, job_run, jobs_recover_stale


def _job(owner, **extra) -> Job:
    return Job.objects.create(
        **{"kind": JobKind.SEARCH_REINDEX, "owner": owner, "title": "Index annex.txt", **extra}
    )


def test_owners_see_their_jobs_with_progress_and_outsiders_see_none(editor, outsider):
    job = _job(editor, state=JobState.RUNNING, progress_done=25, progress_total=100)

    mine = client_for(editor).get("/jobs/")
    theirs = client_for(outsider).get("/jobs/")

    body = mine.content.decode()
    assert "Index annex.txt" in body and "25 %" in body and 'hx-trigger="every 2s"' in body
    assert_valid_html(mine.content)
    assert "Index annex.txt" not in theirs.content.decode() and "No jobs yet." in theirs.content.decode()
    assert client_for(outsider).get(f"/jobs/{job.pk}/").status_code == 404
    assert client_for(outsider).get(f"/jobs/{job.pk}/download/").status_code == 404
    assert client_for(None).get("/jobs/").status_code == 302  # sign in first


def test_administrators_see_every_job(editor, admin_user):
    _job(editor)
    _job(None, title="Daily reminders")

    body = client_for(admin_user).get("/jobs/").content.decode()

    assert "Index annex.txt" in body and "Daily reminders" in body


def test_the_detail_polls_while_running_and_offers_the_result_file(editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = _job(editor, state=JobState.RUNNING)
    fragment = client_for(editor).get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in fragment.content.decode()

    Job.objects.filter(pk=job.pk).update(state=JobState.DONE)
    job_attach_file(job=job, name="annex.pdf", content=b"%PDF-1.4 result")
    page = client_for(editor).get(f"/jobs/{job.pk}/")
    download = client_for(editor).get(f"/jobs/{job.pk}/download/")

    assert "Download the result" in page.content.decode() and "every 1s" not in page.content.decode()
    assert_valid_html(page.content)
    assert b"".join(download.streaming_content) == b"%PDF-1.4 result"


def test_a_job_is_claimed_once_and_a_stale_one_is_queued_again(editor):
    job = _job(editor, params={"ids": []})

    assert job_claim(job.pk) is not None
    assert job_claim(job.pk) is None  # alive in another worker
    assert jobs_recover_stale() == 0
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert jobs_recover_stale() == 1

    assert job_run(job.pk) == "done"
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert job_run(job.pk) == "skipped"
    assert job.history.filter(history_change_reason="done").count() == 1


def test_reminders_run_as_a_job(editor):
    from coopreview.jobs.services import reminders_enqueue

    job = reminders_enqueue()

    job.refresh_from_db()
    assert job.state == JobState.DONE and job.kind == JobKind.REMINDERS and job.owner is None
