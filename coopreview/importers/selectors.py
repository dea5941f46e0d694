"""Reads for exports and the import pages. Exports go through the recommendation list selector, so
they are filtered by visibility in the query exactly as the list is."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet

from coopreview.accounts.models import Organisation
from coopreview.importers.models import ImportJob
from coopreview.recommendations.models import PriorityFlag, Recommendation, Source, Theme
from coopreview.recommendations.selectors import RecommendationFilters, recommendation_list

# The command line acts as an editor-level tool unless told to export as a given user.
CLI_USER = User(username="coopreview-cli", is_superuser=True)


def export_filters(
    *,
    source: str = "",
    addressee: str = "",
    organ: str = "",
    flag: str = "",
    theme: str = "",
    q: str = "",
    visibility: str = "",
) -> RecommendationFilters:
    """Filters from names as typed on a command line; an unknown name matches nothing."""
    filters = RecommendationFilters(q=q, addressee=addressee, visibility=visibility)
    missing = Source(symbol="\x00")
    if source:
        qs = (
            Source.objects.filter(pk=int(source))
            if source.isdigit()
            else Source.objects.filter(symbol=source)
        )
        filters.source = qs.first() or missing
    if organ:
        filters.organ = Organisation.objects.filter(code__iexact=organ).first() or Organisation(code="\x00")
    if flag:
        filters.flag = PriorityFlag.objects.filter(name__iexact=flag).first() or PriorityFlag(name="\x00")
    if theme:
        filters.theme = (
            Theme.objects.filter(slug=theme).first()
            or Theme.objects.filter(name__iexact=theme).first()
            or Theme(slug="\x00")
        )
    return filters


def recommendations_for_export(
    *, user: User | AnonymousUser | None, filters: RecommendationFilters
) -> QuerySet[Recommendation]:
    qs = recommendation_list(user=user or CLI_USER, filters=filters)
    return qs.prefetch_related(Prefetch("recommended_by", queryset=Organisation.objects.only("id", "name")))


def import_jobs_for(*, user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(uploaded_by=user)
