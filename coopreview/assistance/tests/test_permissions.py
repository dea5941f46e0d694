"""Who sees and does what, for every role and State: the requesting organ, another organ of the Court
(the Registry for an OTP request), the requested State, another State, editors, administrators,
facilitators, observers, a user without a role and an anonymous visitor. Marker words in the subjects
must never reach anyone else — not the list, the page, the exports, the statistics or the search."""

import pytest
from django.urls import reverse

from coopreview.assistance.enums import Status
from coopreview.assistance.models import AssistanceRequest
from coopreview.audit.enums import AuditAction
from coopreview.audit.models import AuditEvent
from coopreview.core.testing import assert_valid_html, client_for

pytestmark = pytest.mark.django_db

ALL = [
    "anonymous",
    "outsider",
    "observer",
    "facilitator",
    "editor",
    "admin_user",
    "registry_focal_point",
    "france_focal_point",
    "state_focal_point",
    "court_focal_point",
]
# Who may open a sent OTP request to Senegal: the OTP's focal point and Senegal's, nobody else.
SEES_SENT = {"court_focal_point", "state_focal_point"}
SEES_DRAFT = {"court_focal_point"}
TRACKS = {"court_focal_point", "state_focal_point"}


@pytest.fixture
def everyone(request, orgs, otp_request):
    users = {name: None if name == "anonymous" else request.getfixturevalue(name) for name in ALL}
    return users


@pytest.mark.parametrize("who", ALL)
def test_sent_request_visible_only_to_its_parties(who, everyone, otp_request):
    client = client_for(everyone[who])
    pages = [
        reverse("assistance:detail", args=[otp_request.pk]),
        reverse("assistance:export", args=[otp_request.pk, "docx"]),
        reverse("assistance:export", args=[otp_request.pk, "pdf"]),
    ]

    listing = client.get(reverse("assistance:index"))
    statuses = [client.get(url).status_code for url in pages]

    assert listing.status_code == 200
    assert_valid_html(listing.content)
    if who in SEES_SENT:
        assert b"zebrasuspect" in listing.content
        assert statuses == [200, 200, 200]
    else:
        assert b"zebrasuspect" not in listing.content
        assert otp_request.reference.encode() not in listing.content
        assert statuses == ([302] * 3 if who == "anonymous" else [404] * 3)


@pytest.mark.parametrize("who", ALL)
def test_draft_visible_only_to_the_requesting_organ(who, everyone, otp_draft):
    client = client_for(everyone[who])

    response = client.get(reverse("assistance:detail", args=[otp_draft.pk]))
    listing = client.get(reverse("assistance:index"))

    if who in SEES_DRAFT:
        assert response.status_code == 200 and b"quaggadraft" in response.content
    else:
        assert response.status_code in (302, 404)
        assert b"quaggadraft" not in listing.content


@pytest.mark.parametrize("who", ALL)
def test_status_changes_only_by_the_parties(who, everyone, otp_request):
    client = client_for(everyone[who])
    url = reverse("assistance:status", args=[otp_request.pk])

    response = client.post(url, {"status": Status.ACKNOWLEDGED, "on": otp_request.sent_on.isoformat()})

    otp_request.refresh_from_db()
    if who in TRACKS:
        assert response.status_code == 302
        assert otp_request.status == Status.ACKNOWLEDGED
    else:
        assert response.status_code in (302, 404) and "login" in response.get("Location", "login")
        assert otp_request.status == Status.SENT


@pytest.mark.parametrize("who", ALL)
def test_correspondence_only_by_the_parties(who, everyone, otp_request):
    client = client_for(everyone[who])

    client.post(
        reverse("assistance:correspondence", args=[otp_request.pk]),
        {"direction": "in", "on": otp_request.sent_on.isoformat(), "summary": "Note verbale"},
    )

    assert otp_request.correspondence.exists() == (who in TRACKS)


def test_state_may_not_edit_share_or_tick(state_focal_point, otp_request, editor, orgs):
    client = client_for(state_focal_point)

    share = client.post(
        reverse("assistance:share", args=[otp_request.pk]), {"organisations": [orgs["RM"].pk]}
    )
    edit = client.get(reverse("assistance:edit", args=[otp_request.pk]))

    assert share.status_code == 403 and edit.status_code == 403
    assert not otp_request.shared_with.exists()


def test_sharing_opens_the_request_to_that_organisation_only(
    court_focal_point, editor, facilitator, otp_request, orgs
):
    client = client_for(court_focal_point)

    response = client.post(
        reverse("assistance:share", args=[otp_request.pk]), {"organisations": [orgs["RM"].pk]}
    )

    assert response.status_code == 302
    assert client_for(editor).get(reverse("assistance:detail", args=[otp_request.pk])).status_code == 200
    assert client_for(facilitator).get(reverse("assistance:detail", args=[otp_request.pk])).status_code == 404
    # shared readers read; they do not track
    post = client_for(editor).post(
        reverse("assistance:status", args=[otp_request.pk]), {"status": Status.ACKNOWLEDGED}
    )
    assert post.status_code == 403


def test_registry_may_not_draft_for_the_otp(registry_focal_point, orgs, sen_arrest_profile):
    client = client_for(registry_focal_point)

    response = client.post(
        reverse("assistance:new"),
        {
            "requesting_organ": orgs["OTP"].pk,
            "requested_state": orgs["SEN"].pk,
            "kind": "arrest",
            "language": "en",
            "title": "Forged",
        },
    )

    assert response.status_code == 422
    assert not AssistanceRequest.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "outsider", "state_focal_point", "editor", "observer"])
def test_only_court_users_draft(who, everyone):
    client = client_for(everyone[who])

    response = client.get(reverse("assistance:new"))

    assert response.status_code == (302 if who == "anonymous" else 403)


def test_every_read_is_audited(court_focal_point, state_focal_point, otp_request):
    client_for(state_focal_point).get(reverse("assistance:detail", args=[otp_request.pk]))
    client_for(court_focal_point).get(reverse("assistance:export", args=[otp_request.pk, "docx"]))

    events = AuditEvent.objects.filter(
        object_type="assistance.assistancerequest", object_id=str(otp_request.pk)
    )
    assert sorted(events.values_list("username", "action")) == [
        ("court", AuditAction.DOWNLOAD),
        ("state", AuditAction.READ),
    ]


def test_refused_reads_are_not_audited_as_reads(france_focal_point, otp_request):
    client_for(france_focal_point).get(reverse("assistance:detail", args=[otp_request.pk]))

    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


@pytest.mark.parametrize("who", ALL)
def test_statistics_never_show_a_request(who, everyone, otp_request):
    response = client_for(everyone[who]).get(reverse("assistance:statistics"))

    assert response.status_code == 200
    assert_valid_html(response.content)
    assert b"zebrasuspect" not in response.content
    assert otp_request.reference.encode() not in response.content
    if who != "admin_user":
        assert b"fewer than 5" in response.content


def test_templates_only_for_court_users(court_focal_point, state_focal_point, editor, arrest_template):
    assert client_for(court_focal_point).get(reverse("assistance:templates")).status_code == 200
    assert client_for(state_focal_point).get(reverse("assistance:templates")).status_code == 403
    assert client_for(editor).get(reverse("assistance:templates")).status_code == 403
