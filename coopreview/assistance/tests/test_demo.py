"""The demo shows the app: templates, obstacles, a request to Senegal carrying its requirements and
past its first statuses, a Registry draft; loading twice adds nothing."""

import pytest
from django.core import mail

from coopreview.assistance import services
from coopreview.assistance.enums import Status
from coopreview.assistance.models import AssistanceRequest, Obstacle, RequestTemplate
from coopreview.assistance.statistics import request_statistics
from coopreview.core.demo import demo_load

pytestmark = pytest.mark.django_db


def test_demo_request_to_senegal():
    demo_load()
    demo_load()

    sent = AssistanceRequest.objects.get(requesting_organ__code="OTP")
    draft = AssistanceRequest.objects.get(requesting_organ__code="REGISTRY")
    assert AssistanceRequest.objects.count() == 2
    assert sent.requested_state.code == "SEN" and sent.status == Status.ACKNOWLEDGED
    assert "Principal State Prosecutor at the Court of Appeal" in sent.body  # from Senegal's profile
    assert "voie diplomatique" in sent.body.lower()  # the request is in French, as Senegal accepts
    assert draft.status == Status.DRAFT and "Ministry of Justice" in draft.body
    assert RequestTemplate.objects.count() == 3 and Obstacle.objects.count() == 6
    assert [s.status for s in sent.steps.all()] == ["draft", "sent", "acknowledged"]
    # its deadline is ten days away: the daily run reminds both sides, once
    assert len(services.reminders_send(days=14)) == 2
    assert services.reminders_send(days=14) == []
    assert len(mail.outbox) == 2
    # counted in the statistics, suppressed for everyone but administrators
    assert request_statistics(exact=False)["state"].rows[0].suppressed
    assert request_statistics(exact=True)["state"].rows[0].count == 1
