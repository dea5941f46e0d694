import re

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.importers.conftest import SEED
from coopreview.importers.enums import JobStatus
from coopreview.importers.models import ImportJob
from coopreview.importers.tests.test_views import _upload
from coopreview.recommendations.models import Recommendation


def test_missing_source_is_named_in_place_and_the_preview_made_again(orgs, editor):
    client = client_for(editor)
    response = _upload(client, "annex.txt", SEED.read_bytes())
    job = ImportJob.objects.get()

    before = client.get(response["Location"]).content.decode()
    empty = client.post(f"/imports/{job.pk}/source/", {"source": "  "})
    named = client.post(f"/imports/{job.pk}/source/", {"source": "ICC-ASP/19/16"})
    after = client.get(named["Location"]).content.decode()

    assert "17 recommendations in this file name no source" in before
    assert f'action="/imports/{job.pk}/source/"' in before
    assert "Confirm and apply" not in before
    assert_valid_html(before)
    assert empty.status_code == 422 and "Enter the document symbol of the source" in empty.content.decode()
    assert named.status_code == 302
    assert "<strong>17</strong> new" in after and "name no source" not in after
    assert Recommendation.objects.count() == 0  # still only a preview


def test_confirm_is_at_the_top_and_the_bottom(orgs, editor):
    client = client_for(editor)
    response = _upload(client, "annex.txt", SEED.read_bytes(), source="ICC-ASP/19/16")

    body = client.get(response["Location"]).content.decode()

    buttons = [m.start() for m in re.finditer("Confirm and apply", body)]
    assert len(buttons) == 2
    assert buttons[0] < body.index('id="summary-title"') < body.index('id="changes-title"') < buttons[1]


def test_naming_the_source_is_for_the_job_owner_only_and_while_waiting(orgs, editor, admin_user, outsider):
    _upload(client_for(editor), "annex.txt", SEED.read_bytes())
    job = ImportJob.objects.get()

    assert client_for(outsider).post(f"/imports/{job.pk}/source/", {"source": "X/1"}).status_code == 403
    assert client_for(admin_user).post(f"/imports/{job.pk}/source/", {"source": "X/1"}).status_code == 404
    client_for(editor).post(f"/imports/{job.pk}/cancel/")
    late = client_for(editor).post(f"/imports/{job.pk}/source/", {"source": "X/1"})

    assert late.status_code == 422 and "no longer waiting for confirmation" in late.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.source_symbol == ""
