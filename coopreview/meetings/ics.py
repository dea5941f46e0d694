"""iCalendar (RFC 5545) for meetings, built with the icalendar library.

One VEVENT per meeting with a stable UID and a SEQUENCE raised on every change, so calendar
programs update the event in place; METHOD:CANCEL with STATUS:CANCELLED withdraws it. Times carry
the meeting's TZID and the VTIMEZONE definitions are included. The description lists only the
agenda items the recipient may see.
"""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from coopreview.meetings.enums import MeetingStatus
from coopreview.meetings.models import AgendaItem, Meeting

PRODID = "-//coopreview//meetings//EN"


def _description(meeting: Meeting, items: Iterable[AgendaItem]) -> str:
    lines = [meeting.description] if meeting.description else []
    sessions = list(meeting.sessions.all())
    if sessions:
        lines.append(_("Sessions:"))
        for s in sessions:
            local = f"{s.start.astimezone(meeting.tz):%H:%M}–{s.end.astimezone(meeting.tz):%H:%M}"
            lines.append(f"- {local} {s.title}" + (f" ({s.room})" if s.room else ""))
    items = list(items)
    if items:
        lines.append(_("Agenda:"))
        lines.extend(
            f"{n}. {item.title}" + (f" ({item.linked_references})" if item.linked_references else "")
            for n, item in enumerate(items, start=1)
        )
    if meeting.online_link:
        lines.append(meeting.online_link)
    lines.append(settings.SITE_URL + reverse("meetings:detail", args=[meeting.pk]))
    return "\n".join(lines)


def meeting_event(meeting: Meeting, items: Iterable[AgendaItem], *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", meeting.title)
    location = ", ".join(x for x in (meeting.place, meeting.online_link) if x)
    if location:
        event.add("location", location)
    if meeting.online_link:
        event.add("url", meeting.online_link)
    event.add("description", _description(meeting, items))
    is_cancelled = cancelled or meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if is_cancelled else "CONFIRMED")
    organiser = vCalAddress("mailto:" + settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">").strip())
    organiser.params["cn"] = vText("coopreview")
    event.add("organizer", organiser)
    return event


def calendar_bytes(
    entries: Iterable[tuple[Meeting, Iterable[AgendaItem]]],
    *,
    method: str | None = None,
    attendee: str = "",
    language: str | None = None,
) -> bytes:
    """A VCALENDAR holding one event per (meeting, visible items) pair."""
    with translation.override(language or translation.get_language()):
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        if method:
            cal.add("method", method)
        for meeting, items in entries:
            event = meeting_event(meeting, items, cancelled=method == "CANCEL")
            if attendee:
                who = vCalAddress("mailto:" + attendee)
                who.params["role"] = vText("REQ-PARTICIPANT")
                who.params["rsvp"] = vText("TRUE")
                event.add("attendee", who)
            cal.add_component(event)
        cal.add_missing_timezones()
        return cal.to_ical()
