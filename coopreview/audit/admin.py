from django.contrib import admin

from coopreview.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log cannot be added to, changed or deleted from the web."""

    list_display = ["created_at", "username", "action", "object_repr", "ip"]
    list_filter = ["action"]
    search_fields = ["username", "object_repr"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
