from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coopreview.meetings.models import AgendaItem, Decision, Meeting, Participant, Session, UserPreference


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "type", "start", "status", "is_demo"]
    list_filter = ["type", "status", "is_demo"]
    readonly_fields = ["sequence", "invitations_sent_at", "minutes_approved_at", "minutes_approved_by"]
    inlines = [SessionInline, ParticipantInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "meeting"]
    raw_id_fields = ["recommendations", "action"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "item", "author"]


@admin.register(UserPreference)
class UserPreferenceAdmin(SimpleHistoryAdmin):
    list_display = ["user", "time_zone"]
    exclude = ["feed_token"]
