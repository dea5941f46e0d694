from datetime import timedelta

from django.utils import timezone

from coopreview.core.history import as_of, history_timeline, save_with_history
from coopreview.recommendations.models import Recommendation


def test_save_with_history_writes_one_record_with_m2m_snapshot(source, orgs, editor):
    rec = Recommendation(source=source, reference="R1", text="First")

    save_with_history(rec, by=editor, reason="Imported", m2m={"addressees": [orgs["ICC"], orgs["ASP"]]})

    assert rec.history.count() == 1
    record = rec.history.first()
    assert record.history_user == editor
    assert {row.organisation_id for row in record.addressees.all()} == {orgs["ICC"].pk, orgs["ASP"].pk}


def test_timeline_lists_field_changes_newest_first(source, orgs, editor):
    rec = save_with_history(Recommendation(source=source, reference="R1", text="First"), by=editor)
    rec.text = "Second"
    save_with_history(rec, by=editor, reason="typo", m2m={"addressees": [orgs["OTP"]]})

    timeline = history_timeline(rec, user=editor)

    assert [e.kind for e in timeline] == ["changed", "created"]
    changes = {c.label: (c.old, c.new) for c in timeline[0].changes}
    assert changes["text"] == ("First", "Second")
    assert changes["addressees"] == ("—", "Office of the Prosecutor")
    # no name given: the organisation, never the login
    assert timeline[0].reason == "typo" and timeline[0].who == "Review Mechanism"


def test_as_of_returns_the_state_at_a_past_date(source, editor):
    rec = save_with_history(Recommendation(source=source, reference="R1", text="Old text"), by=editor)
    before_change = timezone.now()
    rec.text = "New text"
    save_with_history(rec, by=editor)

    assert as_of(rec, before_change).text == "Old text"
    assert as_of(rec, timezone.now()).text == "New text"
    assert as_of(rec, before_change - timedelta(days=1)) is None
