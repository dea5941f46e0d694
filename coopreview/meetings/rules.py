import rules

from coopreview.accounts.rules import is_editor, is_facilitator


@rules.predicate
def can_view_meeting(user, meeting) -> bool:
    from coopreview.meetings.selectors import meetings_visible_to

    if meeting is None:
        return is_editor(user) or is_facilitator(user)
    return meetings_visible_to(user=user).filter(pk=meeting.pk).exists()


manages_meetings = is_editor | is_facilitator

rules.add_perm("meetings.view_meeting", can_view_meeting)
rules.add_perm("meetings.add_meeting", manages_meetings)
rules.add_perm("meetings.change_meeting", manages_meetings)
rules.add_perm("meetings.approve_minutes", manages_meetings)
rules.add_perm("meetings.list_meetings", rules.is_authenticated)
