"""Administrators edit the taxonomy of obstacles (and may correct templates) in the Django admin.
Requests themselves are not registered: they are confidential to their parties, admins included."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coopreview.assistance.models import Obstacle, RequestTemplate


@admin.register(Obstacle)
class ObstacleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_fr", "is_active"]
    search_fields = ["name", "name_fr"]
    filter_horizontal = ["recommendations", "practices"]


@admin.register(RequestTemplate)
class RequestTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "language", "is_active"]
    list_filter = ["kind", "language", "is_active"]
