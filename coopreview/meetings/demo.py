"""Demo content: the two meetings proposed in the seed letter, with agendas on the seed's recommendations.
Idempotent: a meeting already loaded (same title, marked as demo) is left alone."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from coopreview.accounts.models import Organisation
from coopreview.meetings import decisions, services
from coopreview.meetings.enums import DEFAULT_TIME_ZONE, ChangeKind, MeetingType, ParticipantRole
from coopreview.meetings.forms import local_datetime
from coopreview.meetings.models import Meeting
from coopreview.recommendations.models import PriorityFlag, Recommendation

SOURCE = "ICC-ASP/19/16"
POINTS_OF_CONTACT = "Dialogue with the Court's points of contact on the cooperation recommendations"
THREE_ORGANS = "Obstacles to cooperation in practice: half-day meeting with the three organs"


def _at(text: str) -> datetime:
    return local_datetime(datetime.fromisoformat(text), DEFAULT_TIME_ZONE)


def _orgs(*codes: str) -> list[Organisation]:
    found = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def _recs(*refs: str) -> dict[str, Recommendation]:
    return {r.reference: r for r in Recommendation.objects.filter(source__symbol=SOURCE, reference__in=refs)}


@transaction.atomic
def load_demo() -> dict[str, int]:
    editor = User.objects.filter(username="editor").first()
    if editor is None or not Recommendation.objects.filter(source__symbol=SOURCE).exists():
        return {"meetings": 0}
    created = 0
    if not Meeting.objects.filter(is_demo=True, title=POINTS_OF_CONTACT).exists():
        _points_of_contact(editor)
        created += 1
    if not Meeting.objects.filter(is_demo=True, title=THREE_ORGANS).exists():
        _three_organs(editor)
        created += 1
    return {"meetings": created}


def _add_people(meeting: Meeting, by: User, people: list[tuple[str, str]]) -> dict[str, object]:
    added = {}
    for username, role in people:
        user = User.objects.filter(username=username).first()
        if user is not None:
            added[username] = services.participant_add(meeting=meeting, by=by, user=user, role=role)
    return added


def _points_of_contact(editor: User) -> Meeting:
    """First proposal of the letter: a framework for dialogue with all relevant points of contact at
    the Court on the report's cooperation recommendations, open to other subjects. Held and minuted;
    its decisions await the approval of the minutes."""
    meeting = services.meeting_create(
        by=editor,
        title=POINTS_OF_CONTACT,
        type=MeetingType.FACILITATION,
        start=_at("2026-11-18T14:00"),
        end=_at("2026-11-18T16:00"),
        time_zone=DEFAULT_TIME_ZONE,
        place="International Criminal Court, The Hague",
        organisers=_orgs("FAC-COOP"),
        description=(
            "Dialogue with all relevant points of contact at the Court on the recommendations of the report "
            "on cooperation; other subjects within the facilitation's mandate may also be raised."
        ),
        is_demo=True,
    )
    for org in _orgs("FAC-COOP", "RM"):
        services.participant_add(
            meeting=meeting, by=editor, organisation=org, role=ParticipantRole.PARTICIPANT
        )
    for org in _orgs("OTP", "REGISTRY", "PRESIDENCY"):
        services.participant_add(meeting=meeting, by=editor, organisation=org, role=ParticipantRole.SPEAKER)
    _add_people(
        meeting, editor, [("facilitator", ParticipantRole.CHAIR), ("editor", ParticipantRole.PARTICIPANT)]
    )
    recs = _recs("149", "274", "279", "280", "290")
    items = {}
    for ref, title in [
        ("149", "Focal point for cooperation at the Court"),
        ("274", "Cooperation agreements: improvements by the OTP and the ASP"),
        ("279", "Efficiency of the requests for assistance process"),
        ("280", "Framework for informal operational contacts"),
        ("290", "Special operations fund for the OTP"),
    ]:
        if ref in recs:
            items[ref] = services.agenda_item_add(
                meeting=meeting, by=editor, title=title, recommendations=[recs[ref]]
            )
    services.agenda_item_add(
        meeting=meeting,
        by=editor,
        title="Other subjects raised by States Parties and the Court",
        description="Within the mandate of the facilitation; not covered by the report's recommendations.",
    )
    services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)  # whatever the date today
    facilitator = User.objects.filter(username="facilitator").first()
    fac_coop = _orgs("FAC-COOP")
    if "279" in items:
        services.agenda_item_set_minutes(
            item=items["279"],
            by=editor,
            minutes="The Registry presented the current RFA workflow; States asked for clearer timelines.",
        )
        # the facilitation's own flag: only the facilitation may decide to set it
        flag = PriorityFlag.objects.filter(name="Facilitation priority").first()
        changes = (
            [{"kind": ChangeKind.ADD_PRIORITY_FLAG, "priority_flag": flag}] if flag and facilitator else []
        )
        decisions.decision_record(
            item=items["279"],
            by=facilitator or editor,
            text="The facilitation treats the efficiency of requests for assistance as a priority for 2027.",
            changes=changes,
        )
        if facilitator is not None and fac_coop:
            decisions.decision_record(
                item=items["279"],
                by=facilitator,
                text="A half-day meeting with the three organs will look at where requests stall.",
                changes=[
                    {
                        "kind": ChangeKind.CREATE_ACTION,
                        "organisation": fac_coop[0],
                        "text": "Half-day meeting with the three organs on obstacles to cooperation",
                        "due": datetime(2027, 2, 4).date(),
                    }
                ],
            )
    if "274" in items and facilitator is not None and fac_coop:
        services.agenda_item_set_minutes(
            item=items["274"],
            by=editor,
            minutes="Most of the 17 recommendations also concern the States Parties.",
        )
        decisions.decision_record(
            item=items["274"],
            by=facilitator,
            text="The facilitation will examine this recommendation with the States Parties.",
            changes=[
                {
                    "kind": ChangeKind.RECORD_VIEW,
                    "organisation": fac_coop[0],
                    "text": "To be discussed in the facilitation",
                }
            ],
        )
    # The minutes are left for approval: approving them in the demo applies the decisions' follow-up
    # changes live (and keeps the seed's follow-up as other apps' demo content expects it).
    return meeting


def _three_organs(editor: User) -> Meeting:
    """Second proposal: a half-day meeting with representatives of the three organs, an introduction
    by the Court's principals followed by technical and operational sessions. Planned."""
    meeting = services.meeting_create(
        by=editor,
        title=THREE_ORGANS,
        type=MeetingType.WORKSHOP,
        start=_at("2027-02-04T09:30"),
        end=_at("2027-02-04T13:00"),
        time_zone=DEFAULT_TIME_ZONE,
        place="International Criminal Court, The Hague",
        organisers=_orgs("FAC-COOP", "RM"),
        description=(
            "Identify the most frequent obstacles to cooperation in practice, "
            "in all their aspects and at every level."
        ),
        is_demo=True,
    )
    speakers = {}
    for org in _orgs("PRESIDENCY", "OTP", "REGISTRY"):
        speakers[org.code] = services.participant_add(
            meeting=meeting, by=editor, organisation=org, role=ParticipantRole.SPEAKER
        )
    for org in _orgs("FAC-COOP"):
        services.participant_add(meeting=meeting, by=editor, organisation=org, role=ParticipantRole.CHAIR)
    _add_people(
        meeting,
        editor,
        [
            ("facilitator", ParticipantRole.CHAIR),
            ("court", ParticipantRole.SPEAKER),
            ("registry", ParticipantRole.SPEAKER),
            ("state", ParticipantRole.PARTICIPANT),
        ],
    )
    for title, start, end, room, codes in [
        (
            "Introduction by the principals of the Court",
            "09:30",
            "10:15",
            "Plenary room",
            ["PRESIDENCY", "OTP", "REGISTRY"],
        ),
        (
            "Technical session: requests for assistance and operational contacts",
            "10:30",
            "11:45",
            "Room A",
            ["REGISTRY"],
        ),
        (
            "Operational session: arrests, tracking of suspects and funding",
            "10:30",
            "11:45",
            "Room B",
            ["OTP"],
        ),
        ("Conclusions: the most salient obstacles", "12:00", "13:00", "Plenary room", []),
    ]:
        services.session_add(
            meeting=meeting,
            by=editor,
            title=title,
            start=_at(f"2027-02-04T{start}"),
            end=_at(f"2027-02-04T{end}"),
            room=room,
            speakers=[speakers[c] for c in codes if c in speakers],
        )
    recs = _recs("272", "279", "280", "281", "284", "285", "289")
    # One point may take several recommendations: the arrest strategy is discussed as a whole.
    for refs, title in [
        (["272"], "Partnerships with States and other actors"),
        (["279"], "Requests for assistance: where they stall"),
        (["280"], "Informal operational contacts"),
        (["281"], "Access to the RFA database"),
        (["284", "285", "289"], "Arrests: an ASP focal point, the tracking of suspects, a rewards programme"),
    ]:
        linked = [recs[ref] for ref in refs if ref in recs]
        if linked:
            services.agenda_item_add(meeting=meeting, by=editor, title=title, recommendations=linked)
    return meeting
