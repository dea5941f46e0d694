from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coopreview.importers.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(SimpleHistoryAdmin):
    list_display = ["file_name", "uploaded_by", "format", "status", "created_at"]
    list_filter = ["status", "format"]
    readonly_fields = ["preview", "upload"]
