"""Meetings and their agenda: read through the meetings selectors (a meeting or an item the caller may
not open is absent, 404); written through the meetings services, after the same django-rules
permission the pages ask (meetings.add_meeting / meetings.change_meeting) and the pages' own forms."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from coopreview.api.serializers import knowledge as s
from coopreview.api.serializers import writes as w
from coopreview.api.views.base import ReadViewSet, form_errors, one_of, require
from coopreview.api.views.knowledge import _history_action
from coopreview.followup.selectors import actions_visible_to
from coopreview.meetings import decisions, forms, selectors, services
from coopreview.meetings.models import AgendaItem, Meeting
from coopreview.meetings.selectors import agenda_items_visible_q, meetings_visible_to
from coopreview.recommendations.selectors import recommendations_visible_to


def _blank_none(data: dict) -> dict:
    """Typed values as a form reads them: None is an empty field, a list stays a list of ids."""
    return {k: ("" if v is None else v) for k, v in data.items()}


@extend_schema_view(
    create=extend_schema(request=w.MeetingWriteSerializer, responses={201: s.MeetingSerializer}),
    partial_update=extend_schema(request=w.MeetingWriteSerializer),
)
class MeetingViewSet(ReadViewSet):
    """Meetings the caller organises or takes part in (organisers see all), as on the meetings page.
    Editors and facilitators create and edit them (times are wall-clock times in `time_zone`)."""

    serializer_class = s.MeetingSerializer
    history = _history_action(None)  # on the meeting's page, for whoever sees it
    http_method_names = ["get", "post", "patch", "head", "options"]

    def queryset_for(self, user):
        return meetings_visible_to(user=user).prefetch_related("organisers").order_by("-start", "pk")

    def _form(self, request, meeting: Meeting | None) -> tuple[forms.MeetingForm, str]:
        given = w.MeetingWriteSerializer(data=request.data, partial=meeting is not None)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        reason = values.pop("reason", "")
        data = {}
        if meeting is not None:  # unset fields keep the values the edit page shows
            data = dict(forms.MeetingForm(meeting=meeting).initial)
            data["organisers"] = [o.pk for o in data["organisers"]]
        data.update(values)
        form = forms.MeetingForm(_blank_none(data))
        if not form.is_valid():
            raise form_errors(form)
        return form, reason

    def create(self, request, *args, **kwargs):
        require(request.user, "meetings.add_meeting")
        form, _reason = self._form(request, None)
        meeting = services.meeting_create(by=request.user, **form.cleaned_data)
        fresh = self.get_queryset().get(pk=meeting.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        meeting = self.get_object()
        require(request.user, "meetings.change_meeting", meeting)
        form, reason = self._form(request, meeting)
        services.meeting_update(meeting=meeting, by=request.user, reason=reason, **form.cleaned_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)


@extend_schema_view(
    create=extend_schema(request=w.AgendaItemWriteSerializer, responses={201: s.AgendaItemSerializer}),
    partial_update=extend_schema(request=w.AgendaItemPatchSerializer),
)
class AgendaItemViewSet(ReadViewSet):
    """Agenda items of visible meetings; an item about a record the caller may not open is left out
    whole, and only the recommendations they may open are listed. Organisers add items, write their
    minutes, move them and record decisions, as on the meeting page."""

    serializer_class = s.AgendaItemSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def queryset_for(self, user):
        return (
            AgendaItem.objects.filter(meeting__in=meetings_visible_to(user=user))
            .filter(agenda_items_visible_q(user=user))
            .prefetch_related(
                Prefetch("recommendations", queryset=recommendations_visible_to(user=user), to_attr="linked")
            )
            .order_by("meeting_id", "position", "pk")
        )

    def _item(self) -> AgendaItem:
        """The item as the page fetches it (404 unless visible), with the meeting's permission (403)."""
        self.get_object()  # the lookup's own checks (a malformed id is a 404)
        item = selectors.agenda_item_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        require(self.request.user, "meetings.change_meeting", item.meeting)
        return item

    def _fresh(self, pk: int):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def create(self, request, *args, **kwargs):
        given = w.AgendaItemWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        meeting = one_of(meetings_visible_to(user=request.user), data.pop("meeting"), "meeting")
        require(request.user, "meetings.change_meeting", meeting)
        data["recommendation_ids"] = " ".join(str(pk) for pk in data.pop("recommendations", []))
        form = forms.AgendaItemForm(
            _blank_none(data),
            recommendations=recommendations_visible_to(user=request.user),
            actions=actions_visible_to(user=request.user),
        )
        if not form.is_valid():
            raise form_errors(form)
        item = services.agenda_item_add(meeting=meeting, by=request.user, **form.service_data())
        return Response(self._fresh(item.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        item = self._item()
        given = w.AgendaItemPatchSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        if {"title", "description", "recommendations", "action"} & set(data):
            item = self._edit(item, data)
        if "minutes" in data:
            form = forms.MinutesForm({"minutes": data["minutes"]})
            if not form.is_valid():
                raise form_errors(form)
            item = services.agenda_item_set_minutes(item=item, by=request.user, **form.cleaned_data)
        if "move" in data:
            item = services.agenda_item_move(item=item, by=request.user, direction=data["move"])
        return Response(self._fresh(item.pk))

    def _edit(self, item: AgendaItem, given: dict) -> AgendaItem:
        """Title, description and links: unset ones keep the values the caller sees."""
        user = self.request.user
        data = {
            "title": given.get("title", item.title),
            "description": given.get("description", item.description),
            "action": given.get("action", item.action_id),
        }
        ids = given.get("recommendations", [rec.pk for rec in item.linked])
        data["recommendation_ids"] = " ".join(str(pk) for pk in ids)
        form = forms.AgendaItemForm(
            _blank_none(data),
            recommendations=recommendations_visible_to(user=user),
            actions=actions_visible_to(user=user),
        )
        if not form.is_valid():
            raise form_errors(form)
        return services.agenda_item_update(
            item=item, by=user, reason=given.get("reason", ""), **form.service_data()
        )

    @extend_schema(request=w.DecisionWriteSerializer, responses={201: w.DecisionSerializer})
    @action(detail=True, methods=["post"], pagination_class=None)
    def decisions(self, request, pk=None):
        """Record a decision on the item (once the meeting is held), with at most one follow-up change,
        applied when the minutes are approved: the decision form's rules and service."""
        item = self._item()
        given = w.DecisionWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        form = forms.DecisionForm(_blank_none(given.validated_data), item=item, user=request.user)
        if not form.is_valid():
            raise form_errors(form)
        decision = decisions.decision_record(
            item=item, by=request.user, text=form.cleaned_data["text"], changes=form.changes()
        )
        return Response(w.DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
