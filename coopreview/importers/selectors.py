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
    """Filters from names as typed on a command line. Raises LookupError naming an unknown value."""
    filters = RecommendationFilters(q=q, addressee=addressee, visibility=visibility)

    def one(qs, label: str, value: str):
        found = qs.first()
        if found is None:
            raise LookupError(f"No {label} “{value}”.")
        return found

    if source:
        by_id = Source.objects.filter(pk=int(source)) if source.isdigit() else Source.objects.none()
        filters.source = by_id.first() or one(Source.objects.filter(symbol=source), "source", source)
    if organ:
        filters.organ = one(Organisation.objects.filter(code__iexact=organ), "organisation", organ)
    if flag:
        filters.flag = one(PriorityFlag.objects.filter(name__iexact=flag), "priority flag", flag)
    if theme:
        filters.theme = Theme.objects.filter(slug=theme).first() or one(
            Theme.objects.filter(name__iexact=theme), "theme", theme
        )
    return filters


def recommendations_for_export(
    *, user: User | AnonymousUser | None, filters: RecommendationFilters
) -> QuerySet[Recommendation]:
    qs = recommendation_list(user=user or CLI_USER, filters=filters)
    return qs.prefetch_related(Prefetch("recommended_by", queryset=Organisation.objects.only("id", "name")))


def import_jobs_for(*, user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(uploaded_by=user)
