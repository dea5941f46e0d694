import io

import icalendar
import pytest
from django.core.management import CommandError, call_command
from docx import Document

from coopreview.meetings import services


def test_export_writes_the_agenda_as_the_user_sees_it(meeting, observer, tmp_path):
    target = tmp_path / "agenda.docx"
    out = io.StringIO()

    call_command(
        "meeting_export", meeting.pk, "--as", "observer", "--format", "docx", "-o", str(target), stdout=out
    )

    text = "\n".join(p.text for p in Document(target).paragraphs)
    assert "Cooperation agreements" in text and "Quokkacode" not in text and "Zebracode" not in text
    assert "2 agenda item(s)" in out.getvalue()


def test_export_ics(meeting, editor, tmp_path):
    target = tmp_path / "m.ics"

    call_command("meeting_export", meeting.pk, "--as", "editor", "--format", "ics", "-o", str(target))

    (event,) = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(event["UID"]) == meeting.uid and "Quokkacode prosecutor matter" in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody"], "no active user named 'nobody'"),
        (["--as", "outsider"], "may not see it"),
        (["--as", "editor", "--document", "minutes"], "minutes exist once the meeting is held"),
        (["--as", "editor", "-o", "/no/such/folder/a.pdf"], "does not exist"),
    ],
)
def test_export_bad_input_is_a_command_error(meeting, outsider, tmp_path, args, message):
    if "-o" not in args:
        args = [*args, "-o", str(tmp_path / "x.pdf")]

    with pytest.raises(CommandError, match=message):
        call_command("meeting_export", meeting.pk, *args)

    assert not (tmp_path / "x.pdf").exists()


def test_export_minutes_pdf_once_held(meeting, editor, tmp_path):
    import pdfplumber

    services.meeting_mark_held(meeting=meeting, by=editor, before_start=True)
    services.agenda_item_set_minutes(
        item=meeting.agenda_items.first(), by=editor, minutes="Agreed to continue."
    )
    target = tmp_path / "minutes.pdf"

    call_command("meeting_export", meeting.pk, "--as", "editor", "--document", "minutes", "-o", str(target))

    with pdfplumber.open(target) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Minutes: Dialogue with the Court" in text and "Agreed to continue." in text
