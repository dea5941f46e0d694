from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coopreview.accounts.models import Organisation
from coopreview.core.testing import assert_valid_html, client_for
from coopreview.importers.conftest import SEED
from coopreview.importers.enums import JobStatus
from coopreview.importers.models import ImportJob
from coopreview.jobs.enums import JobKind
from coopreview.jobs.models import Job
from coopreview.jobs.services import job_run, jobs_recover_stale
from coopreview.recommendations.models import Recommendation

UPLOAD = "/imports/"


def _upload(client, name: str, content: bytes, **extra):
    data = {"file": SimpleUploadedFile(name, content), "format": "auto", "mark_flag": "Priority", **extra}
    return client.post(UPLOAD, data)


@pytest.mark.parametrize(
    "persona", ["outsider", "observer", "state_focal_point", "court_focal_point", "facilitator"]
)
def test_non_editors_are_refused_and_see_no_nav_item(request, persona, orgs):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(UPLOAD).status_code == 403
    assert _upload(client, "a.txt", SEED.read_bytes(), source="X/1").status_code == 403
    assert client.get("/imports/template.xlsx").status_code == 403
    assert 'href="/imports/"' not in client.get("/recommendations/").content.decode()
    assert ImportJob.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_editor_upload_preview_confirm(orgs, editor, settings):
    client = client_for(editor)
    page = client.get(UPLOAD)
    assert page.status_code == 200
    assert_valid_html(page.content)
    assert 'href="/imports/"' in page.content.decode()  # nav item for editors

    response = _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    stored = Path(job.upload.path)  # through the storage API: MEDIA_ROOT/imports by default
    assert stored.is_file() and stored.is_relative_to(Path(settings.MEDIA_ROOT) / "imports")
    assert stored.suffix == ""  # never served, never executed

    preview = client.get(response["Location"])
    body = preview.content.decode()
    assert_valid_html(preview.content)
    assert "<strong>17</strong> new" in body
    assert "ICC-ASP/19/16 274" in body and "Assembly of States Parties" in body
    assert Recommendation.objects.count() == 0

    applied = client.post(f"/imports/{job.pk}/apply/")
    assert applied.status_code == 302
    assert Recommendation.objects.count() == 17
    job.refresh_from_db()
    assert job.status == JobStatus.APPLIED and not stored.exists()
    assert Recommendation.objects.get(reference="149").history.latest().history_change_reason == (
        "Imported from annex.txt"
    )


def test_cancel_deletes_the_file_and_writes_nothing(orgs, editor):
    client = client_for(editor)
    _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()
    stored = Path(job.upload.path)
    assert client.post(f"/imports/{job.pk}/cancel/").status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and not stored.exists()
    assert client.post(f"/imports/{job.pk}/apply/").status_code == 409
    assert Recommendation.objects.count() == 0


def test_another_editors_job_is_not_found(orgs, editor, admin_user):
    _upload(client_for(editor), "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()
    other = client_for(admin_user)
    assert other.get(f"/imports/{job.pk}/").status_code == 404
    assert other.post(f"/imports/{job.pk}/apply/").status_code == 404
    assert Recommendation.objects.count() == 0


def test_bad_files_are_form_errors_with_the_file_name(orgs, editor, settings):
    client = client_for(editor)
    response = _upload(client, "broken.pdf", b"%PDF-1.4 garbage")
    assert response.status_code == 422
    assert "broken.pdf: the PDF is damaged" in response.content.decode()
    assert_valid_html(response.content)

    settings.UPLOAD_MAX_BYTES = 100
    response = _upload(client, "big.txt", b"x" * 500)
    assert response.status_code == 422 and "big.txt: the file is larger than" in response.content.decode()
    assert not list((Path(settings.MEDIA_ROOT) / "imports").glob("*"))  # failed uploads are deleted


def test_problems_are_listed_with_their_place_and_block_the_apply(orgs, editor):
    client = client_for(editor)
    content = b"Reference,Text\nR1,First.\nR1,Again.\n"
    response = _upload(client, "dup.csv", content, source="X/1")
    job = ImportJob.objects.get()
    body = client.get(response["Location"]).content.decode()
    assert "dup.csv, row 3" in body and "reference R1 already in row 2" in body
    assert "Confirm and apply" not in body
    assert client.post(f"/imports/{job.pk}/apply/").status_code == 409
    assert Recommendation.objects.count() == 0


def test_files_are_read_by_a_job_while_the_page_shows_progress(orgs, editor, settings):
    settings.JOBS_EAGER = False  # queued for a worker, as in production
    client = client_for(editor)
    response = _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()
    assert job.status == JobStatus.PARSING
    queued = Job.objects.get(kind=JobKind.IMPORT_PARSE)
    assert queued.owner == editor and queued.params == {"import": job.pk} and queued.state == "queued"
    ImportJob.objects.filter(pk=job.pk).update(progress_done=5, progress_total=10)
    page = client.get(response["Location"])
    assert 'hx-trigger="every 1s"' in page.content.decode() and "50 %" in page.content.decode()
    assert_valid_html(page.content)
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "<progress" in fragment.content.decode() and "HX-Refresh" not in fragment

    assert job_run(queued.pk) == "done"  # what a worker does with it

    done = client.get(response["Location"], headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "<strong>17</strong> new" in client.get(response["Location"]).content.decode()


def test_changed_data_since_preview_is_refused(orgs, editor):
    client = client_for(editor)
    _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()
    from coopreview.importers import services

    _used, result = services.parse_file(SEED, file="x.txt")
    services.plan_apply(
        plan=services.build_plan(result=result, file="x.txt", format="annex-text", source="ICC-ASP/19/16"),
        by=editor,
    )
    response = client.post(f"/imports/{job.pk}/apply/")
    assert response.status_code == 409
    assert "changed since the preview" in response.content.decode()


def test_template_download(orgs, editor):
    response = client_for(editor).get("/imports/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_upload_page_in_french(orgs, editor):
    client = client_for(editor)
    client.cookies["django_language"] = "fr"
    body = client.get(UPLOAD, headers={"Accept-Language": "fr"}).content.decode()
    assert "Importer des recommandations" in body and "Lire le fichier et prévisualiser" in body


def test_long_previews_list_the_first_records_and_count_the_rest(orgs, editor, monkeypatch):
    from coopreview.importers import views

    monkeypatch.setattr(views, "SHOWN", 5)
    client = client_for(editor)
    response = _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    body = client.get(response["Location"]).content.decode()
    assert "<strong>17</strong> new" in body
    assert "ICC-ASP/19/16 274" in body and "ICC-ASP/19/16 275" not in body
    assert "…and 12 more records with changes (all are applied)." in body


def test_applies_run_as_a_job_and_the_page_follows(orgs, editor, settings):
    client = client_for(editor)
    response = _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()
    settings.JOBS_EAGER = False

    applied = client.post(f"/imports/{job.pk}/apply/")

    assert applied.status_code == 302 and applied["Location"] == response["Location"]
    job.refresh_from_db()
    assert job.status == JobStatus.APPLYING
    page = client.get(response["Location"])
    assert "Applying annex.txt" in page.content.decode()
    assert client.post(f"/imports/{job.pk}/apply/").status_code == 409  # not twice
    queued = Job.objects.get(kind=JobKind.IMPORT_APPLY)
    assert job_run(queued.pk) == "done"
    assert job_run(queued.pk) == "skipped"  # a repeated delivery does nothing
    job.refresh_from_db()
    assert job.status == JobStatus.APPLIED and job.preview["applied"] == {"new": 17, "changed": 0}
    page = client.get(response["Location"])
    assert "Applied: 17 new, 0 changed." in page.content.decode()
    assert_valid_html(page.content)
    assert Recommendation.objects.count() == 17
    assert Recommendation.history.count() == 17
    index = Job.objects.get(kind=JobKind.SEARCH_REINDEX)
    assert len(index.params["ids"]) == 17


def test_an_apply_killed_half_way_is_redone_from_scratch(orgs, editor, settings):
    client = client_for(editor)
    _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()
    settings.JOBS_EAGER = False
    client.post(f"/imports/{job.pk}/apply/")
    queued = Job.objects.get(kind=JobKind.IMPORT_APPLY)
    # Its worker took it, then died (nothing committed): the heartbeat stops.
    Job.objects.filter(pk=queued.pk).update(
        state="running", attempts=1, heartbeat_at=timezone.now() - timedelta(hours=1)
    )

    assert jobs_recover_stale() == 1
    assert job_run(queued.pk) == "done"

    queued.refresh_from_db()
    assert queued.attempts == 2 and queued.state == "done"
    assert Recommendation.objects.count() == 17


def test_preview_lists_unknown_names_with_proposals_and_the_editor_maps_them(orgs, editor, outsider):
    content = (
        "Reference,Text,Addressee,Recommended by\nR1,Do it.,Court,kyrgysztan\nR2,Do that.,Court,Atlantis\n"
    )
    client = client_for(editor)
    job = ImportJob.objects.get(
        pk=_upload(client, "who.csv", content.encode(), source="X/1")["Location"].split("/")[-2]
    )

    page = client.get(f"/imports/{job.pk}/")
    body = page.content.decode()
    refused = client_for(outsider).post(f"/imports/{job.pk}/names/", {"name": "kyrgysztan", "code": "KGZ"})
    unknown = client.post(f"/imports/{job.pk}/names/", {"name": "not listed", "code": "KGZ"})
    bad_code = client.post(f"/imports/{job.pk}/names/", {"name": "Atlantis", "code": "ZZZ"})
    mapped = client.post(f"/imports/{job.pk}/names/", {"name": "kyrgysztan", "code": "KGZ"})
    after = client.get(f"/imports/{job.pk}/").content.decode()

    assert_valid_html(page.content)
    assert "Names not recognised" in body and "Kyrgyzstan (KGZ)" in body and "who.csv, row 2" in body
    assert "Confirm and apply" in body  # unknown names never block
    assert refused.status_code == 403
    assert unknown.status_code == 422 and "Choose an organisation or State code" in unknown.content.decode()
    assert (
        bad_code.status_code == 422
        and "is not a known organisation or State code" in bad_code.content.decode()
    )
    assert mapped.status_code == 302
    assert "“kyrgysztan” now means Kyrgyzstan, in this import and the next ones." in after
    assert 'value="kyrgysztan"' not in after and 'value="Atlantis"' in after  # only Atlantis left to map
    assert "<ins>Kyrgyzstan</ins>" in after  # the preview now shows the mapped State as recommending


def test_preview_names_the_fill_colour_and_the_editor_renames_its_flag(orgs, editor, files):
    from coopreview.importers.tests.test_pdf_table import annex_docx

    client = client_for(editor)
    response = _upload(client, "annex.docx", annex_docx(files).read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()

    body = client.get(response["Location"]).content.decode()
    renamed = client.post(
        f"/imports/{job.pk}/colours/", {"flag": "Shaded orange (#F4B183)", "name": "Facilitation"}
    )
    after = client.get(f"/imports/{job.pk}/")
    client.post(f"/imports/{job.pk}/apply/")

    assert "orange (#F4B183)" in body and 'value="Shaded orange (#F4B183)"' in body
    assert renamed.status_code == 302
    assert_valid_html(after.content)
    assert 'value="Facilitation"' in after.content.decode()
    flagged = Recommendation.objects.filter(priority_flags__name="Facilitation").order_by("reference")
    assert [r.reference for r in flagged] == ["274", "290"]


def test_apply_takes_the_previews_plan_when_nothing_changed(orgs, editor, monkeypatch):
    """A 100,000-row file is not read and planned twice: the preview's plan, kept signed beside the
    file, is applied when nothing it read has changed (the file itself cannot change)."""
    from coopreview.importers import jobs

    client = client_for(editor)
    _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()

    def read_again(*args, **kwargs):
        raise AssertionError("the file was read and planned again")

    monkeypatch.setattr(jobs, "_plan_for", read_again)
    assert client.post(f"/imports/{job.pk}/apply/").status_code == 302
    assert Recommendation.objects.count() == 17
    assert not default_storage.exists(f"{job.upload.name}.plan")  # discarded with the file


def test_a_tampered_or_outdated_kept_plan_is_not_used(orgs, editor):
    from coopreview.importers import jobs

    client = client_for(editor)
    _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")
    job = ImportJob.objects.get()
    name = f"{job.upload.name}.plan"
    assert jobs._plan_kept(job) is not None
    with default_storage.open(name, "rb") as fh:
        data = bytearray(fh.read())
    data[-1] ^= 1  # one bit of the pickled plan changed: the signature no longer matches
    default_storage.delete(name)
    default_storage.save(name, ContentFile(bytes(data)))
    assert jobs._plan_kept(job) is None
    # re-kept, then the data it read changes: outdated
    jobs._plan_keep(job, jobs._plan_for(job), jobs._plan_fingerprint())
    assert jobs._plan_kept(job) is not None
    Organisation.objects.create(name="A new State", kind="state")
    assert jobs._plan_kept(job) is None
