from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from coopreview.recommendations.models import PriorityFlag, Recommendation, Section, Source, Theme


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["symbol", "title", "issuing_body", "date"]
    search_fields = ["symbol", "title"]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "source", "parent", "position"]
    list_filter = ["source"]
    search_fields = ["title"]


@admin.register(PriorityFlag)
class PriorityFlagAdmin(SimpleHistoryAdmin):
    list_display = ["name", "colour"]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Recommendation)
class RecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "source", "section", "visibility"]
    list_filter = ["source", "visibility", "priority_flags", "themes"]
    search_fields = ["reference", "text"]
    autocomplete_fields = ["addressees", "recommended_by", "restricted_to"]
    filter_horizontal = ["priority_flags", "themes"]
