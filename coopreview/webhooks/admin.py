from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coopreview.core.admin import ReadOnlyAdminMixin
from coopreview.webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(SimpleHistoryAdmin):
    list_display = ["url", "description", "active", "owner", "updated_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    readonly_fields = ["secret"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The delivery log: read-only (the service records attempts)."""

    list_display = ["created_at", "event", "endpoint", "status", "attempts", "response_code"]
    list_filter = ["status", "event"]
    search_fields = ["endpoint__url", "uid"]
