"""'Is implemented by' an action of the follow-up, and the follow-up's status in the implementation review."""

import pytest

from coopreview.core.testing import client_for
from coopreview.followup.models import Action, FollowupPart
from coopreview.lineage import selectors, services
from coopreview.lineage.models import Link
from coopreview.lineage.selectors import LineageError


@pytest.fixture
def action(orgs, sets) -> Action:
    a = Action.objects.create(title="Draft the OP-CAT accession bill", lead=orgs["ALB"], progress=40)
    a.recommendations.set([sets["old_opcat"]])
    return a


@pytest.fixture
def hidden_action(orgs, sets) -> Action:
    a = Action.objects.create(title="Secret wombat action", lead=orgs["OTP"])
    a.recommendations.set([sets["hidden"]])
    return a


def test_implemented_by_action_shown_on_record_and_in_review(editor, client, sets, action):
    services.link_create(
        by=editor,
        from_pk=sets["old_opcat"].pk,
        action_pk=action.pk,
        link_type="implemented_by",
        reason="bill",
    )

    page = client.get(f"/recommendations/{sets['old_opcat'].pk}/").content.decode()
    rows = {
        r.recommendation.reference: r
        for r in selectors.implementation_review(user=editor, source=sets["old"])
    }

    assert "is implemented by" in page and "Draft the OP-CAT accession bill" in page
    assert rows["67.1"].status == "implemented"
    assert any("Draft the OP-CAT accession bill" in e for e in rows["67.1"].evidence)


def test_action_link_needs_the_implemented_by_type(editor, sets, action):
    with pytest.raises(LineageError, match="implemented by"):
        services.link_create(
            by=editor, from_pk=sets["old_opcat"].pk, action_pk=action.pk, link_type="duplicates"
        )

    assert Link.objects.count() == 0


def test_hidden_action_reads_like_missing_action(facilitator, sets, hidden_action):
    with pytest.raises(LineageError, match=f"Action not found: {hidden_action.pk}"):
        services.link_create(
            by=facilitator,
            from_pk=sets["old_opcat"].pk,
            action_pk=hidden_action.pk,
            link_type="implemented_by",
        )


def test_followup_status_and_evidence_in_implementation_review(outsider, orgs, sets, action):
    FollowupPart.objects.create(
        recommendation=sets["old_crpd"], addressee=orgs["ALB"], side="state", status="in_progress"
    )

    rows = {
        r.recommendation.reference: r
        for r in selectors.implementation_review(user=outsider, source=sets["old"])
    }

    assert rows["67.2"].status == "in_progress" and rows["67.2"].is_open
    assert str(rows["67.2"].status_label) == "In progress"
    assert rows["67.1"].evidence == ["Action “Draft the OP-CAT accession bill”: 40 %"]
    body = client_for(outsider).get(f"/lineage/implementation/{sets['old'].pk}/").content.decode()
    assert "open since 2008 (In progress)" in body


def test_export_carries_action_links(editor, sets, action):
    services.link_create(
        by=editor, from_pk=sets["old_opcat"].pk, action_pk=action.pk, link_type="implemented_by"
    )

    rows = selectors.link_rows(selectors.link_list(user=editor))
    Link.objects.all().delete()
    count = services.links_import(by=editor, rows=rows)

    assert rows[0]["action_title"] == "Draft the OP-CAT accession bill" and rows[0]["to_id"] == ""
    assert count == 1 and Link.objects.get().action == action
