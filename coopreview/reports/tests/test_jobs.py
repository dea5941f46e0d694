"""Large reports built by a worker: the job page, the owner's download, nobody else's, and the same
visibility and past-access rule as a report built in the request."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coopreview.core.history import save_with_history
from coopreview.core.testing import assert_valid_html, client_for
from coopreview.jobs.enums import JobKind, JobState
from coopreview.jobs.models import Job
from coopreview.jobs.services import job_run, jobs_expire_files
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation

DOWNLOAD = "/reports/download/"
ANNEX_HTML = {"report": "annex", "format": "html"}


@pytest.fixture
def queued(settings, tmp_path):
    """Jobs wait for a worker (the test runs the worker's entry point itself); every annex is "large"."""
    settings.JOBS_EAGER = False
    settings.MEDIA_ROOT = tmp_path
    settings.REPORTS_JOB_THRESHOLD = 0
    return settings


def _file(client: Client, job: Job) -> bytes:
    response = client.get(f"/reports/jobs/{job.pk}/file/")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def test_a_large_report_is_a_job_the_owner_follows_and_downloads(queued, leak_data, editor, outsider):
    mine = client_for(editor)

    response = mine.get(DOWNLOAD, ANNEX_HTML)

    job = Job.objects.get(kind=JobKind.REPORT_BUILD)
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.owner, job.state) == (editor, JobState.QUEUED)
    page = mine.get(f"/reports/jobs/{job.pk}/")
    assert 'hx-trigger="every 1s"' in page.content.decode() and "Waiting" in page.content.decode()
    assert_valid_html(page.content)
    assert mine.get(f"/reports/jobs/{job.pk}/file/").status_code == 404  # not built yet

    assert job_run(job.pk) == "done"

    fragment = mine.get(f"/reports/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert (
        "every 1s" not in fragment.content.decode()
        and f"/reports/jobs/{job.pk}/file/" in fragment.content.decode()
    )
    html = _file(mine, job).decode()
    assert "Members-only zebracode" in html and "Public recommendation on cooperation" in html
    queued.REPORTS_JOB_THRESHOLD = 500
    assert html == mine.get(DOWNLOAD, ANNEX_HTML).content.decode()  # exactly the report built at once
    assert mine.get(f"/jobs/{job.pk}/download/")["Location"] == f"/reports/jobs/{job.pk}/file/"
    # nobody else: another user, an anonymous visitor
    assert client_for(outsider).get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert client_for(outsider).get(f"/reports/jobs/{job.pk}/file/").status_code == 404
    assert Client().get(f"/reports/jobs/{job.pk}/file/").status_code == 404


def test_asking_again_reuses_the_job_until_the_data_changes(queued, leak_data, editor):
    mine = client_for(editor)
    first = mine.get(DOWNLOAD, ANNEX_HTML)["Location"]
    assert mine.get(DOWNLOAD, ANNEX_HTML)["Location"] == first  # waiting: the same job
    job_run(Job.objects.get().pk)
    assert mine.get(DOWNLOAD, ANNEX_HTML)["Location"] == first  # done: the same file

    rec = leak_data["public"]
    rec.text = "Public recommendation, amended."
    save_with_history(rec, by=editor)

    assert mine.get(DOWNLOAD, ANNEX_HTML)["Location"] != first
    assert mine.get(DOWNLOAD, {**ANNEX_HTML, "lang": "fr"})["Location"] != first
    assert Job.objects.count() == 3


def test_anonymous_jobs_are_shared_by_identical_requests_and_private_to_the_sessions(queued, leak_data):
    alice, bob, eve = Client(), Client(), Client()

    first = alice.get(DOWNLOAD, ANNEX_HTML)["Location"]
    job = Job.objects.get()
    assert job.owner is None
    assert eve.get(first).status_code == 404 and eve.get(first + "file/").status_code == 404
    assert bob.get(DOWNLOAD, ANNEX_HTML)["Location"] == first  # the same public report: one job
    job_run(job.pk)

    html = _file(bob, job).decode()
    assert "Public recommendation on cooperation agreements." in html
    assert "zebracode" not in html and "quokkacode" not in html
    assert _file(alice, job) == html.encode()
    assert eve.get(first + "file/").status_code == 404


def test_an_anonymous_job_as_of_a_date_leaves_out_what_was_restricted_then(queued, leak_data, editor):
    """The past-access rule of accounts/layers.py, applied by the same builders in the worker."""
    long_ago = timezone.now() - timedelta(days=10)
    rec = save_with_history(
        Recommendation(source=leak_data["public"].source, reference="8", text="Secret draft zorblax",
                       visibility=Visibility.MEMBERS),
        by=editor,
    )  # fmt: skip
    Recommendation.objects.update(created_at=long_ago)
    for record in Recommendation.history.all():
        record.history_date = long_ago
        record.save()
    rec.refresh_from_db()
    rec.visibility = Visibility.PUBLIC
    save_with_history(rec, by=editor)  # public now, members-only then
    past = (timezone.localdate() - timedelta(days=5)).isoformat()
    visitor = Client()

    visitor.get(DOWNLOAD, {**ANNEX_HTML, "as_of": past})
    job = Job.objects.get()
    job_run(job.pk)

    html = _file(visitor, job).decode()
    assert "Public recommendation on cooperation agreements." in html
    assert "zorblax" not in html and "zebracode" not in html and "quokkacode" not in html
    # and now, without a date, it is public
    visitor.get(DOWNLOAD, ANNEX_HTML)
    latest = Job.objects.order_by("-pk").first()
    job_run(latest.pk)
    assert "zorblax" in _file(visitor, latest).decode()


def test_a_visitor_has_a_bounded_number_of_reports_in_preparation(queued, leak_data, editor):
    queued.REPORTS_JOBS_PER_CLIENT = 2
    visitor, same_address = Client(), Client()
    for lang in ("en", "fr"):
        assert visitor.get(DOWNLOAD, {**ANNEX_HTML, "lang": lang}).status_code == 302

    too_many = visitor.get(DOWNLOAD, {**ANNEX_HTML, "format": "pdf"})
    from_the_same_address = same_address.get(DOWNLOAD, {**ANNEX_HTML, "format": "docx"})
    again = visitor.get(DOWNLOAD, {**ANNEX_HTML, "lang": "fr"})  # one already on its way: no new work

    assert too_many.status_code == 429 and "2 reports being prepared" in too_many.content.decode()
    assert from_the_same_address.status_code == 429
    assert again.status_code == 302
    assert_valid_html(too_many.content)
    job_run(Job.objects.order_by("pk").first().pk)
    assert visitor.get(DOWNLOAD, {**ANNEX_HTML, "format": "pdf"}).status_code == 302
    # a signed-in user has a limit of their own
    assert client_for(editor).get(DOWNLOAD, ANNEX_HTML).status_code == 302


def test_small_reports_are_still_built_in_the_request(queued, leak_data):
    queued.REPORTS_JOB_THRESHOLD = 500

    response = Client().get(DOWNLOAD, ANNEX_HTML)

    assert response.status_code == 200 and "Public recommendation" in response.content.decode()
    assert not Job.objects.exists()


def test_a_failed_job_says_why_and_expired_files_are_deleted(queued, leak_data, editor):
    mine = client_for(editor)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()  # the records date from today
    mine.get(DOWNLOAD, {**ANNEX_HTML, "as_of": yesterday})
    job = Job.objects.get()
    job_run(job.pk)

    page = mine.get(f"/reports/jobs/{job.pk}/")
    assert (
        "There is no data as of" in page.content.decode()
        and "Ask for the report again" in page.content.decode()
    )

    mine.get(DOWNLOAD, ANNEX_HTML)
    done = Job.objects.get(state=JobState.QUEUED)
    job_run(done.pk)
    done.refresh_from_db()
    path = done.result_file.path
    Job.objects.filter(pk=done.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert jobs_expire_files() == 1
    assert mine.get(f"/reports/jobs/{done.pk}/file/").status_code == 404
    assert "has expired" in mine.get(f"/reports/jobs/{done.pk}/").content.decode()
    import os

    assert not os.path.exists(path)
