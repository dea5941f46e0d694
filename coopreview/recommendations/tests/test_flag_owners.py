"""Priority flags belong to an organisation (issue 14, item 2): the facilitation sets and clears its
own, the Review Mechanism its own, a source's flags are the editors'; a stakeholder view and a meeting
decision go through the same service and permission."""

import pytest

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.followup import services as followup
from coopreview.meetings.decisions import check_change_allowed
from coopreview.meetings.enums import ChangeKind
from coopreview.meetings.models import DecisionChange
from coopreview.recommendations.models import PriorityFlag
from coopreview.recommendations.services import FlagNotAllowed, recommendation_set_flag


@pytest.fixture
def flags(orgs) -> dict[str, PriorityFlag]:
    return {
        "fac": PriorityFlag.objects.create(name="Facilitation priority", owner=orgs["FAC-COOP"]),
        "ier": PriorityFlag.objects.create(name="IER Annex I priority", colour="#BDD7EE"),
    }


def test_facilitator_sets_and_clears_its_own_flag_on_the_page(leak_data, flags, facilitator):
    rec, client = leak_data["public"], client_for(facilitator)
    url = f"/recommendations/{rec.pk}/flag/{flags['fac'].pk}/"

    page = client.get(f"/recommendations/{rec.pk}/").content.decode()
    set_ = client.post(url, {"on": "1"})
    after_set = list(rec.priority_flags.all())
    cleared = client.post(url, {"on": "0"})

    assert "Set “Facilitation priority”" in page and f"/flag/{flags['ier'].pk}/" not in page
    assert_valid_html(page)
    assert set_.status_code == 302 and after_set == [flags["fac"]]
    assert cleared.status_code == 302 and list(rec.priority_flags.all()) == []
    assert rec.history.latest().history_change_reason == "Flag cleared: Facilitation priority"


def test_nobody_else_sets_an_organisations_flag(
    leak_data, flags, facilitator, editor, court_focal_point, outsider
):
    rec = leak_data["public"]

    for user, flag in ((facilitator, "ier"), (editor, "fac"), (court_focal_point, "fac"), (outsider, "fac")):
        response = client_for(user).post(f"/recommendations/{rec.pk}/flag/{flags[flag].pk}/", {"on": "1"})
        assert response.status_code == 403, (user, flag)
        with pytest.raises(FlagNotAllowed):
            recommendation_set_flag(recommendation=rec, flag=flags[flag], on=True, by=user)
    hidden = leak_data["restricted"]
    assert (
        client_for(facilitator).post(f"/recommendations/{hidden.pk}/flag/{flags['fac'].pk}/").status_code
        == 404
    )
    assert list(rec.priority_flags.all()) == []


def test_editor_curates_the_sources_flag(leak_data, flags, editor):
    recommendation_set_flag(recommendation=leak_data["public"], flag=flags["ier"], on=True, by=editor)

    assert list(leak_data["public"].priority_flags.all()) == [flags["ier"]]


def test_stakeholder_views_flag_is_the_recommendations_flag(leak_data, flags, facilitator, orgs):
    rec, fac = leak_data["public"], orgs["FAC-COOP"]

    followup.stakeholder_view_record(
        recommendation=rec, organisation=fac, by=facilitator, position="Discuss", priority_flag=flags["fac"]
    )
    flagged = list(rec.priority_flags.all())
    followup.stakeholder_view_record(recommendation=rec, organisation=fac, by=facilitator, position="Discuss")

    assert flagged == [flags["fac"]]
    assert list(rec.priority_flags.all()) == []
    with pytest.raises(followup.FollowupError):
        followup.stakeholder_view_record(
            recommendation=rec, organisation=fac, by=facilitator, position="x", priority_flag=flags["ier"]
        )


def test_meeting_decision_uses_the_same_permission(leak_data, flags, facilitator, editor):
    rec = leak_data["public"]

    def change(flag):
        return DecisionChange(
            kind=ChangeKind.ADD_PRIORITY_FLAG, recommendation=rec, priority_flag=flags[flag]
        )

    check_change_allowed(author=facilitator, change=change("fac"))
    check_change_allowed(author=editor, change=change("ier"))
    with pytest.raises(Exception, match="only members of Facilitation on cooperation"):
        check_change_allowed(author=editor, change=change("fac"))
