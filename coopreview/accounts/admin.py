from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coopreview.accounts.models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "is_state_party", "parent"]
    list_filter = ["kind", "is_state_party"]
    search_fields = ["name", "name_fr", "code"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["organisation", "user"]
