from django.contrib.auth.models import AnonymousUser, User

from coopreview.core.demo import demo_load
from coopreview.meetings.selectors import recommendation_discussions
from coopreview.recommendations.models import Recommendation
from coopreview.reports.builders.common import ReportOptions
from coopreview.reports.builders.sheet import build_sheet


def _meeting_lines(user, reference: str) -> list[str]:
    report = build_sheet(ReportOptions(user=user, reference=reference))
    return [line for title, lines in report.sections if title == "Meetings where discussed" for line in lines]


def test_sheet_lists_the_meetings_where_the_recommendation_was_discussed(db):
    demo_load()  # the seed letter's two meetings discuss 274
    editor = User.objects.get(username="editor")

    lines = _meeting_lines(editor, "274")

    items = recommendation_discussions(
        user=editor, recommendation=Recommendation.objects.get(reference="274")
    )
    assert items, "the demo meetings discuss 274"
    assert len(lines) == len(items)
    assert all(item.meeting.title in line for item, line in zip(items, lines, strict=True))


def test_sheet_never_lists_meetings_the_user_may_not_see(db):
    demo_load()
    anonymous = AnonymousUser()
    rec = Recommendation.objects.get(reference="274")

    lines = _meeting_lines(anonymous, "274")

    visible = recommendation_discussions(user=anonymous, recommendation=rec)
    assert len(lines) == len(visible)
    editor_titles = {
        i.meeting.title
        for i in recommendation_discussions(user=User.objects.get(username="editor"), recommendation=rec)
    }
    hidden = editor_titles - {i.meeting.title for i in visible}
    assert hidden, "the demo meetings are not public: an anonymous reader must not see them"
    assert lines == []
