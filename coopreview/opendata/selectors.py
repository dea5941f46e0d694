"""Open data reads: public recommendations only, whoever asks.

Every query goes through the recommendations selectors as the anonymous public (so the access layers
are applied in the query, as on the list page) AND keeps visibility = public explicitly: open data is
the same file for everybody, even for an editor who is signed in."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation, Section, Source

PUBLIC = AnonymousUser()


def public_recommendations(*, filters: rec_selectors.RecommendationFilters) -> QuerySet[Recommendation]:
    qs = rec_selectors.recommendation_list(user=PUBLIC, filters=filters)
    return qs.filter(visibility=Visibility.PUBLIC).prefetch_related("recommended_by")


def public_sources() -> QuerySet[Source]:
    """Sources holding public recommendations, with their number, newest first."""
    public = Q(recommendations__visibility=Visibility.PUBLIC)
    return (
        Source.objects.annotate(public_count=Count("recommendations", filter=public))
        .filter(public_count__gt=0)
        .order_by("-date", "symbol")
    )


def public_source(*, symbol: str) -> Source:
    """The source named `symbol` if it holds a public recommendation (Source.DoesNotExist otherwise:
    a source with only restricted records is not announced by a different answer)."""
    return rec_selectors.sources_visible_to(user=PUBLIC).get(symbol=symbol)


def filter_querysets() -> tuple[QuerySet[Source], QuerySet[Section]]:
    """The sources and sections the filter form may name: those the public sees."""
    return rec_selectors.sources_visible_to(user=PUBLIC), rec_selectors.sections_visible_to(user=PUBLIC)
