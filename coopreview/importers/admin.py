from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coopreview.importers.models import ImportJob, NameMapping, UnmatchedName


@admin.register(ImportJob)
class ImportJobAdmin(SimpleHistoryAdmin):
    list_display = ["file_name", "uploaded_by", "format", "status", "created_at"]
    list_filter = ["status", "format"]
    readonly_fields = ["preview", "upload"]


@admin.register(NameMapping)
class NameMappingAdmin(SimpleHistoryAdmin):
    """Mappings editors confirmed in import previews; a wrong one is corrected or deleted here."""

    list_display = ["name", "organisation", "confirmed_by", "updated_at"]
    search_fields = ["name", "key"]


@admin.register(UnmatchedName)
class UnmatchedNameAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "recommendation"]
    list_filter = ["role"]
    search_fields = ["name"]
