"""Read-mostly admin: edits of the follow-up go through the services (side rules, transitions), so the
admin shows records and their history but does not let anyone change a status or a part behind them."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coopreview.core.admin import ReadOnlyAdminMixin
from coopreview.followup.models import (
    Action,
    Categorisation,
    FollowupPart,
    ProgressUpdate,
    ReminderSent,
    StakeholderView,
    Transition,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    pass


@admin.register(Categorisation)
class CategorisationAdmin(ReadOnlyAdmin):
    list_display = ["recommendation", "category", "approved", "approved_by", "approved_on"]
    list_filter = ["category", "approved"]


@admin.register(StakeholderView)
class StakeholderViewAdmin(ReadOnlyAdmin):
    list_display = ["recommendation", "organisation", "category", "position"]


@admin.register(FollowupPart)
class FollowupPartAdmin(ReadOnlyAdmin):
    list_display = ["recommendation", "addressee", "side", "status", "assessment", "lead"]
    list_filter = ["side", "status", "assessment"]


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["part", "from_status", "to_status", "by", "at"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["title", "lead", "start", "due", "progress"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ["action", "author", "state", "created_at"]
    list_filter = ["state"]


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["action", "user", "day"]
