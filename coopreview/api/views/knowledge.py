"""The cooperation platform (State profiles, practices, case law, documents) and meetings: read through
the knowledge and meetings selectors, so an entry, an item or a linked record the caller may not open
is never listed."""

from django.db.models import Exists, OuterRef, Prefetch

from coopreview.api.serializers import knowledge as s
from coopreview.api.views.base import ReadViewSet
from coopreview.knowledge import selectors
from coopreview.meetings.models import AgendaItem
from coopreview.meetings.selectors import agenda_items_visible_q, meetings_visible_to
from coopreview.recommendations.selectors import recommendations_visible_to


def _visible_recs(user) -> Prefetch:
    """The linked recommendations the caller may open, as `visible_recommendations` (one query)."""
    qs = recommendations_visible_to(user=user).only("pk")
    return Prefetch("recommendations", queryset=qs, to_attr="visible_recommendations")


class StateProfileViewSet(ReadViewSet):
    serializer_class = s.StateProfileSerializer

    def queryset_for(self, user):
        return (
            selectors.profiles_visible_to(user=user)
            .prefetch_related("restricted_to")
            .order_by("state_id", "measure", "pk")
        )


class PracticeViewSet(ReadViewSet):
    serializer_class = s.PracticeSerializer

    def queryset_for(self, user):
        return (
            selectors.practices_visible_to(user=user)
            .prefetch_related("restricted_to", _visible_recs(user))
            .order_by("-created_at", "pk")
        )


class CaseLawViewSet(ReadViewSet):
    serializer_class = s.CaseLawSerializer

    def queryset_for(self, user):
        profiles = selectors.profiles_visible_to(user=user).only("pk")
        return (
            selectors.case_law_visible_to(user=user)
            .prefetch_related(
                "restricted_to",
                _visible_recs(user),
                Prefetch("profiles", queryset=profiles, to_attr="visible_profiles"),
            )
            .order_by("-date", "pk")
        )


class DocumentViewSet(ReadViewSet):
    """Documents' descriptions (the files themselves are downloaded from the web page)."""

    serializer_class = s.DocumentSerializer

    def queryset_for(self, user):
        practices = selectors.practices_visible_to(user=user).filter(pk=OuterRef("practice_id"))
        return (
            selectors.documents_visible_to(user=user)
            .annotate(practice_visible=Exists(practices))
            .prefetch_related("restricted_to")
            .order_by("-created_at", "pk")
        )


class MeetingViewSet(ReadViewSet):
    """Meetings the caller organises or takes part in (organisers see all), as on the meetings page."""

    serializer_class = s.MeetingSerializer

    def queryset_for(self, user):
        return meetings_visible_to(user=user).prefetch_related("organisers").order_by("-start", "pk")


class AgendaItemViewSet(ReadViewSet):
    """Agenda items of visible meetings; an item about a record the caller may not open is left out
    whole, and only the recommendations they may open are listed."""

    serializer_class = s.AgendaItemSerializer

    def queryset_for(self, user):
        return (
            AgendaItem.objects.filter(meeting__in=meetings_visible_to(user=user))
            .filter(agenda_items_visible_q(user=user))
            .prefetch_related(
                Prefetch("recommendations", queryset=recommendations_visible_to(user=user), to_attr="linked")
            )
            .order_by("meeting_id", "position", "pk")
        )
