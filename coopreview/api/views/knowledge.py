"""The cooperation platform (State profiles, practices, case law, documents) and meetings: read through
the knowledge and meetings selectors, so an entry, an item or a linked record the caller may not open
is never listed."""

from django.db.models import Exists, OuterRef, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from coopreview.api.serializers import knowledge as s
from coopreview.api.serializers.recommendations import TimelineEntrySerializer
from coopreview.api.views.base import ReadViewSet, require, timeline
from coopreview.core.history import history_timeline
from coopreview.knowledge import selectors
from coopreview.meetings.models import AgendaItem
from coopreview.meetings.selectors import agenda_items_visible_q, meetings_visible_to
from coopreview.recommendations.selectors import recommendations_visible_to


def _visible_recs(user) -> Prefetch:
    """The linked recommendations the caller may open, as `visible_recommendations` (one query)."""
    qs = recommendations_visible_to(user=user).only("pk")
    return Prefetch("recommendations", queryset=qs, to_attr="visible_recommendations")


def _history_action(perm: str | None, exclude=None):
    """A `history/` action: the record's timeline, with the permission its web page asks."""

    @extend_schema(responses=TimelineEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        record = self.get_object()
        if perm:
            require(request.user, perm)
        skipped = exclude(request.user) if exclude else ("updated_at", "created_at")
        return Response(timeline(history_timeline(record, user=request.user, exclude=skipped)))

    history.__doc__ = "Who changed what and why, newest first (versions not open to the caller withheld)."
    return history


def _profile_excluded(user) -> tuple[str, ...]:
    """Points of contact stay out of the history of those who may not see them (as on the page)."""
    return ("updated_at", "created_at", *(() if selectors.user_sees_contacts(user) else ("contact_details",)))


class StateProfileViewSet(ReadViewSet):
    serializer_class = s.StateProfileSerializer
    history = _history_action("recommendations.view_history", _profile_excluded)

    def queryset_for(self, user):
        return (
            selectors.profiles_visible_to(user=user)
            .prefetch_related("restricted_to")
            .order_by("state_id", "measure", "pk")
        )


class PracticeViewSet(ReadViewSet):
    serializer_class = s.PracticeSerializer
    history = _history_action("knowledge.change_entries")  # shown on the edit page

    def queryset_for(self, user):
        return (
            selectors.practices_visible_to(user=user)
            .prefetch_related("restricted_to", _visible_recs(user))
            .order_by("-created_at", "pk")
        )


class CaseLawViewSet(ReadViewSet):
    serializer_class = s.CaseLawSerializer
    history = _history_action("knowledge.change_entries")  # shown on the edit page

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
    history = _history_action(None)  # on the meeting's page, for whoever sees it

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
