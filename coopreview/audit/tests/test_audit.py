"""The audit log: what is recorded, who may read it, that nobody may change it from the web."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopreview.accounts.enums import Role
from coopreview.accounts.services import membership_grant, membership_revoke
from coopreview.audit.enums import AuditAction
from coopreview.audit.models import AuditEvent
from coopreview.audit.services import audit_record
from coopreview.conftest import PASSWORD
from coopreview.core.testing import assert_valid_html, client_for
from coopreview.importers import services as import_services
from coopreview.importers.conftest import SEED
from coopreview.knowledge.conftest import _media_root, knowledge_data  # noqa: F401 — fixtures

LOG = "/audit/"


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# --- What is recorded ------------------------------------------------------------------------


def test_sign_in_success_and_failure_are_recorded_with_address_and_browser(client, editor):
    client.post("/accounts/login/", {"username": "editor", "password": "wrong"}, REMOTE_ADDR="10.1.2.3")
    client.post(
        "/accounts/login/",
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.1.2.4",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )

    [failed] = _events(AuditAction.LOGIN_FAILED)
    [login] = _events(AuditAction.LOGIN)
    assert (failed.username, failed.user, str(failed.ip)) == ("editor", None, "10.1.2.3")
    assert (login.user, str(login.ip), login.user_agent) == (editor, "10.1.2.4", "TestBrowser/1.0")


def test_a_lockout_is_recorded(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2

    client.post("/accounts/login/", {"username": "editor", "password": "wrong"})
    client.post("/accounts/login/", {"username": "editor", "password": "wrong"})
    client.post("/accounts/login/", {"username": "editor", "password": PASSWORD})

    # The failure that reaches the limit, then the right password refused while locked.
    assert [e.username for e in _events(AuditAction.LOCKED_OUT)] == ["editor", "editor"]
    assert _events(AuditAction.LOGIN) == []


def test_report_download_with_non_public_records_is_recorded_and_a_public_one_is_not(
    client, editor, leak_data
):
    url = "/reports/download/?report=annex&format=html&lang=en"
    client.get(url)  # anonymous: the public record only
    assert _events(AuditAction.DOWNLOAD) == []

    client_for(editor).get(url)

    [event] = _events(AuditAction.DOWNLOAD)
    assert event.user == editor
    assert event.detail["non_public"] == 2  # editors see every layer
    assert event.detail["ids"] == sorted([leak_data["members"].pk, leak_data["restricted"].pk])
    assert event.detail["report"] == "annex" and event.object_repr.endswith(".html")


def test_report_and_export_commands_record_non_public_records(editor, state_focal_point, leak_data, tmp_path):
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command(
        "report", "annex", "--format", "html", "-o", str(tmp_path / "a.html"), **quiet
    )  # public only
    call_command("export", "--format", "csv", "--as-user", "state", "--visibility", "public",
                 "-o", str(tmp_path / "a.csv"), **quiet)  # fmt: skip
    assert _events(AuditAction.EXPORT) == []

    call_command("report", "annex", "--format", "html", "--as-user", "editor", "-o", str(tmp_path / "b.html"),
                 **quiet)  # fmt: skip
    call_command("export", "--format", "json", "--as-user", "state", "-o", str(tmp_path / "b.json"), **quiet)
    call_command("export", "--format", "json", "-o", str(tmp_path / "c.json"), **quiet)  # the CLI sees all

    events = sorted(_events(AuditAction.EXPORT), key=lambda e: (e.detail["command"], e.pk))
    assert [(e.detail["command"], e.user, e.detail["non_public"]) for e in events] == [
        ("export", state_focal_point, 1),
        ("export", None, 2),
        ("report", editor, 2),
    ]
    assert events[0].ip is None  # no request: the command line


def test_downloading_a_non_public_document_is_recorded(editor, knowledge_data):  # noqa: F811
    client = client_for(editor)

    client.get(f"/cooperation/documents/{knowledge_data['documents']['public'].pk}/")
    response = client.get(f"/cooperation/documents/{knowledge_data['documents']['members'].pk}/")

    assert response.status_code == 200
    [event] = _events(AuditAction.DOWNLOAD)
    assert event.object_repr == "zebracode memo" and event.detail == {"visibility": "members"}


def test_role_changes_are_recorded(orgs, outsider, admin_user):
    membership = membership_grant(user=outsider, organisation=orgs["RM"], role=Role.EDITOR)
    membership_revoke(membership=membership)
    outsider.is_superuser = True
    outsider.save()

    details = [
        e.detail for e in AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGED).order_by("pk")
    ]
    assert {"change": "granted", "member": "outsider", "organisation": "RM", "role": "editor"} in details
    assert {"change": "revoked", "member": "outsider", "organisation": "RM", "role": "editor"} in details
    assert {"change": "account", "is_superuser": [False, True]} in details


def test_an_applied_import_is_recorded(orgs, editor):
    used, result = import_services.parse_file(SEED, file=SEED.name)
    plan = import_services.build_plan(result=result, file=SEED.name, format=used, source="ICC-ASP/19/16")

    import_services.plan_apply(plan=plan, by=editor)

    [event] = _events(AuditAction.IMPORT)
    assert event.user == editor and event.object_repr == SEED.name
    assert event.detail["new"] == 17 and event.detail["sources"] == ["ICC-ASP/19/16"]


# --- Who may read it; nobody may change it -----------------------------------------------------


@pytest.fixture
def some_events(admin_user, editor):
    audit_record(action=AuditAction.LOGIN, user=editor, object_repr="editor")
    audit_record(action=AuditAction.LOGIN_FAILED, username="mallory", object_repr='=HYPERLINK("x")')
    old = audit_record(action=AuditAction.IMPORT, user=admin_user, object_repr="annex.xlsx")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))


@pytest.mark.parametrize("persona", ["outsider", "editor", "state_focal_point", "court_focal_point"])
def test_only_administrators_read_the_log(request, persona, some_events):
    client = client_for(request.getfixturevalue(persona))

    page = client.get(LOG)
    export = client.get(LOG + "export.csv")

    assert page.status_code == 403 and "mallory" not in page.content.decode()
    assert export.status_code == 403 and b"mallory" not in export.content


def test_anonymous_visitors_are_sent_to_sign_in(client, some_events):
    response = client.get(LOG)

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_log_cannot_be_changed_from_the_web(admin_user, some_events):
    client = client_for(admin_user)
    event = AuditEvent.objects.first()
    before = AuditEvent.objects.count()

    post = client.post(LOG, {"action": "login"})
    put = client.put(LOG)
    delete = client.delete(LOG)
    admin_change = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"username": "x"})
    admin_delete = client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    admin_add = client.get("/admin/audit/auditevent/add/")

    assert (post.status_code, put.status_code, delete.status_code) == (405, 405, 405)
    assert (
        admin_change.status_code == 403 and admin_delete.status_code == 403 and admin_add.status_code == 403
    )
    event.refresh_from_db()
    assert event.username != "x" and AuditEvent.objects.count() == before


def test_administrators_filter_the_log(admin_user, some_events):
    client = client_for(admin_user)
    today = timezone.localdate()

    everything = client.get(LOG).content.decode()
    by_who = client.get(LOG, {"who": "mallory"}).content.decode()
    by_action = client.get(LOG, {"action": "import"}).content.decode()
    recent = client.get(LOG, {"start": str(today - timedelta(days=7)), "end": str(today)}).content.decode()
    by_object = client.get(LOG, {"obj": "annex"}).content.decode()
    bad = client.get(LOG, {"start": str(today), "end": str(today - timedelta(days=1))})

    assert_valid_html(everything)
    assert "mallory" in everything and "annex.xlsx" in everything
    assert f"{AuditEvent.objects.count()} events" in everything
    assert "mallory" in by_who and "annex.xlsx" not in by_who
    assert "annex.xlsx" in by_action and "mallory" not in by_action
    assert "annex.xlsx" not in recent and "mallory" in recent
    assert "annex.xlsx" in by_object and "mallory" not in by_object
    assert bad.status_code == 400 and "The end date is before the start date." in bad.content.decode()


def test_the_csv_export_is_filtered_and_writes_formulas_as_text(admin_user, some_events):
    response = client_for(admin_user).get(LOG + "export.csv", {"action": "login_failed"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 2 and rows[1][1] == "mallory"
    assert rows[1][5] == '\'=HYPERLINK("x")'


def test_the_log_page_costs_the_same_queries_for_1_and_3_events(admin_user, editor):
    client = client_for(admin_user)
    client.get(LOG)  # the session's first request writes its last-seen time
    counts = []
    for n in (1, 3):
        AuditEvent.objects.all().delete()
        for _ in range(n):
            audit_record(action=AuditAction.LOGIN, user=editor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LOG).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_log_in_french(admin_user, some_events):
    client = Client()
    client.force_login(admin_user)
    client.cookies["django_language"] = "fr"

    response = client.get(LOG)

    assert "Journal d’audit" in response.content.decode()


def test_a_links_export_with_a_non_public_record_is_recorded(editor, outsider, leak_data):
    from coopreview.lineage import services as lineage_services

    lineage_services.link_create(
        by=editor, from_pk=leak_data["members"].pk, to_pk=leak_data["public"].pk, link_type="overlaps"
    )

    client_for(outsider).get("/lineage/", {"format": "csv"})  # the outsider's export holds no such link
    client_for(editor).get("/lineage/", {"format": "csv"})

    [event] = _events(AuditAction.EXPORT)
    assert event.user == editor and event.object_repr == "links.csv"
    assert event.detail["ids"] == [leak_data["members"].pk]


def test_a_follow_up_attachment_of_a_non_public_recommendation_is_recorded(
    court_focal_point, orgs, source, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coopreview.followup import services as followup_services
    from coopreview.recommendations.models import Recommendation

    settings.MEDIA_ROOT = tmp_path
    hidden = Recommendation.objects.create(source=source, reference="9", text="x", visibility="members")
    hidden.addressees.set([orgs["OTP"]])
    action = followup_services.action_create(
        by=court_focal_point, title="Plan", lead=orgs["OTP"], recommendations=[hidden]
    )
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4", content_type="application/pdf")
    update = followup_services.progress_update_create(
        action=action, by=court_focal_point, text="x", attachments=[(pdf, "report")]
    )

    response = client_for(court_focal_point).get(f"/followup/attachment/{update.attachments.get().pk}/")

    assert response.status_code == 200
    [event] = _events(AuditAction.DOWNLOAD)
    assert event.user == court_focal_point and event.detail["ids"] == [hidden.pk]
