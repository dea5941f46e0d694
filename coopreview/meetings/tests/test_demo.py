from django.contrib.auth.models import User

from coopreview.core.demo import demo_load
from coopreview.followup.models import Action, StakeholderView
from coopreview.meetings import decisions
from coopreview.meetings.demo import POINTS_OF_CONTACT, THREE_ORGANS
from coopreview.meetings.enums import MeetingStatus
from coopreview.meetings.models import DecisionChange, Meeting


def test_demo_loads_the_two_meetings_of_the_seed_letter_once(db):
    demo_load()
    demo_load()

    meetings = {m.title: m for m in Meeting.objects.all()}
    assert set(meetings) == {POINTS_OF_CONTACT, THREE_ORGANS}
    assert all(m.is_demo for m in meetings.values())
    first, second = meetings[POINTS_OF_CONTACT], meetings[THREE_ORGANS]
    assert first.status == MeetingStatus.HELD and not first.minutes_approved
    assert second.status == MeetingStatus.PLANNED
    assert [s.title.split(":")[0] for s in second.sessions.all()][:3] == [
        "Introduction by the principals of the Court",
        "Technical session",
        "Operational session",
    ]
    refs = {r.reference for i in second.agenda_items.all() for r in i.recommendations.all()}
    assert {"279", "280", "284", "285"} <= refs
    arrests = second.agenda_items.get(title__startswith="Arrests")
    assert sorted(arrests.recommendations.values_list("reference", flat=True)) == ["284", "285", "289"]
    assert first.agenda_items.filter(recommendations=None).count() == 1  # open to other subjects


def test_approving_the_demo_minutes_changes_the_follow_up_of_seed_recommendations(db):
    demo_load()
    first = Meeting.objects.get(title=POINTS_OF_CONTACT)
    assert DecisionChange.objects.filter(applied_at__isnull=True).count() == 3  # awaiting approval
    ours = Action.objects.filter(title="Half-day meeting with the three organs on obstacles to cooperation")
    assert not ours.exists()

    decisions.minutes_approve(meeting=first, by=User.objects.get(username="editor"))

    rec279 = (
        Meeting.objects.get(title=POINTS_OF_CONTACT)
        .agenda_items.get(recommendations__reference="279")
        .recommendations.get()
    )
    assert "Facilitation priority" in {f.name for f in rec279.priority_flags.all()}
    assert POINTS_OF_CONTACT[:40] in rec279.history.order_by("-history_date").first().history_change_reason
    assert Action.objects.filter(recommendations=rec279, lead__code="FAC-COOP").exists()
    view = StakeholderView.objects.get(recommendation__reference="274", organisation__code="FAC-COOP")
    assert (
        view.position == "To be discussed in the facilitation" and "Decided at the meeting" in view.rationale
    )
    assert DecisionChange.objects.filter(applied_at__isnull=True).count() == 0
    assert DecisionChange.objects.count() == 3
