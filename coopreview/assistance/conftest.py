"""Fixtures of requests for assistance: a complete and a stale profile section, templates, obstacles,
a focal point of another State, and requests carrying marker words that must never leak."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coopreview.accounts.enums import Role
from coopreview.assistance import services
from coopreview.assistance.enums import Kind, Language, Status
from coopreview.assistance.models import Obstacle, RequestTemplate
from coopreview.conftest import _persona
from coopreview.knowledge.enums import Channel
from coopreview.knowledge.models import StateProfile

BODY = (
    "To: {{ authority }} through {{ channel }}.\nLegal basis: {{ legal_basis }}.\n\n"
    "Requirements: {{ requirements }}\nContact: {{ contact }}\nUnknown: {{ nonsense }}"
)


@pytest.fixture
def france_focal_point(orgs):
    """The focal point of a State that is not the requested one: an outsider State."""
    return _persona("france", Role.STATE_FOCAL_POINT, orgs["FRA"])


@pytest.fixture
def sen_arrest_profile(orgs):
    return StateProfile.objects.create(
        state=orgs["SEN"],
        measure=Kind.ARREST_SURRENDER,
        competent_authority="Procureur général walrusauth",
        channel=Channel.DIPLOMATIC,
        languages="French",
        legislation_title="Loi 2024-01 on cooperation",
        requirements="Certified copy of the warrant, in French.",
        contact_details="",  # missing on purpose: drafting must say so
        last_verified_on=timezone.localdate() - timedelta(days=20),
    )


@pytest.fixture
def arrest_template(db):
    return RequestTemplate.objects.create(
        kind=Kind.ARREST_SURRENDER,
        language=Language.EN,
        title="Arrest (EN)",
        body=BODY,
        checklist="Warrant attached\nDescription of the person",
    )


@pytest.fixture
def obstacles(db):
    return [
        Obstacle.objects.create(name="No implementing legislation", name_fr="Absence de législation"),
        Obstacle.objects.create(name="Language", name_fr="Langue"),
    ]


def draft(user, organ, state, *, title="Arrest of zebrasuspect", template=None, deadline=None):
    return services.request_draft(
        by=user,
        requesting_organ=organ,
        requested_state=state,
        kind=Kind.ARREST_SURRENDER,
        language=Language.EN,
        title=title,
        template=template,
        deadline=deadline,
    )


def send(request, user, *, on=None):
    services.request_tick(request=request, by=user, done=range(len(request.checklist)))
    return services.request_set_status(request=request, by=user, status=Status.SENT, on=on)


@pytest.fixture
def otp_request(orgs, court_focal_point, sen_arrest_profile, arrest_template):
    """A request of the Office of the Prosecutor to Senegal, sent; its subject is a marker word."""
    request = draft(court_focal_point, orgs["OTP"], orgs["SEN"], template=arrest_template)
    return send(request, court_focal_point)


@pytest.fixture
def otp_draft(orgs, court_focal_point, sen_arrest_profile, arrest_template):
    return draft(
        court_focal_point, orgs["OTP"], orgs["SEN"], title="Draft about quaggadraft", template=arrest_template
    )
