"""Admin helpers shared by apps."""

from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """Lists and shows records in the Django admin; nobody adds, changes or deletes them there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
