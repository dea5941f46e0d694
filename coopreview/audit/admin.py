from django.contrib import admin

from coopreview.audit.models import AuditEvent
from coopreview.core.admin import ReadOnlyAdminMixin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the audit log cannot be added to, changed or deleted from the web."""

    list_display = ["created_at", "username", "action", "object_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["username", "object_repr"]
