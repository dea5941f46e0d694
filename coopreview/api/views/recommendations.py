"""Sources and recommendations: the list page's filters and search, the edit form's rules, history."""

from django.db.models import Prefetch
from django.forms.models import model_to_dict
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from coopreview.accounts.models import Organisation
from coopreview.api.serializers.recommendations import (
    OrganisationSerializer,
    PriorityFlagSerializer,
    RecommendationSerializer,
    RecommendationSnapshotSerializer,
    RecommendationWriteSerializer,
    SectionSerializer,
    SourceSerializer,
    SourceWriteSerializer,
    ThemeSerializer,
    TimelineEntrySerializer,
)
from coopreview.api.views.base import (
    ReadViewSet,
    date_errors,
    form_errors,
    int_param,
    param,
    require,
    timeline,
)
from coopreview.core.history import history_timeline
from coopreview.recommendations import selectors, services
from coopreview.recommendations.forms import (
    AsOfForm,
    RecommendationFilterForm,
    RecommendationForm,
    SourceForm,
)
from coopreview.recommendations.models import PriorityFlag, Recommendation, Theme

FILTERS = [
    param("q", str, 'Full-text search, as the list page\'s search box (words, "phrases", prefix*).'),
    param("source", int, "A source id."),
    param("section", int, "A cluster or section id (its subsections too)."),
    param("addressee", str, "court, assembly, both or state."),
    param("organ", int, "An organ of the Court or body of the Assembly (organisation id)."),
    param("flag", int, "A priority flag id."),
    param("theme", int, "A theme id."),
    param("visibility", str, "public, members or restricted."),
    param("sort", str, "reference, -reference, section, updated or relevance."),
]


class OrganisationViewSet(ReadViewSet):
    """Organisations (States, the Court and its organs, the Assembly and its bodies): ids for writes."""

    serializer_class = OrganisationSerializer

    def queryset_for(self, user):
        return Organisation.objects.order_by("kind", "name", "pk")


class PriorityFlagViewSet(ReadViewSet):
    serializer_class = PriorityFlagSerializer

    def queryset_for(self, user):
        return PriorityFlag.objects.order_by("name", "pk")


class ThemeViewSet(ReadViewSet):
    serializer_class = ThemeSerializer

    def queryset_for(self, user):
        return Theme.objects.order_by("name", "pk")


class SectionViewSet(ReadViewSet):
    """Clusters and sections of the sources the caller sees."""

    serializer_class = SectionSerializer

    def queryset_for(self, user):
        return selectors.sections_visible_to(user=user).order_by("source_id", "position", "pk")


@extend_schema_view(partial_update=extend_schema(request=SourceWriteSerializer))
class SourceViewSet(mixins.UpdateModelMixin, ReadViewSet):
    """Sources holding at least one recommendation the caller may open. Editors correct them (PATCH)."""

    serializer_class = SourceSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def queryset_for(self, user):
        return selectors.sources_visible_to(user=user).order_by("-date", "symbol", "pk")

    def partial_update(self, request, *args, **kwargs):
        source = self.get_object()
        require(request.user, "recommendations.change_source", source)
        given = SourceWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        # The serializer's values, not request.data: a form-encoded body holds lists of values.
        data = {**model_to_dict(source, fields=SourceForm.Meta.fields), **given.validated_data}
        data.setdefault("title_fr", "")
        data = {k: ("" if v is None else v) for k, v in data.items()}
        form = SourceForm(data, instance=source)
        if not form.is_valid():
            raise form_errors(form)
        services.source_update(
            source=source,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_updated_at=form.cleaned_data["version"],
            **form.service_data(),
        )
        source.refresh_from_db()
        return Response(SourceSerializer(source, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(parameters=FILTERS),
    create=extend_schema(request=RecommendationWriteSerializer, responses={201: RecommendationSerializer}),
    partial_update=extend_schema(request=RecommendationWriteSerializer),
)
class RecommendationViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadViewSet):
    """Recommendations the caller may open, filtered and searched exactly as on the list page.
    Editors create and edit them (the edit form's rules and service)."""

    serializer_class = RecommendationSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def queryset_for(self, user):
        return (
            selectors.recommendations_visible_to(user=user)
            .prefetch_related("addressees", "recommended_by", "priority_flags", "themes", "restricted_to")
            .order_by("source_date", "source_id", "reference_sort", "pk")
        )

    def list(self, request, *args, **kwargs):
        user = request.user
        for name in ("source", "section", "organ", "flag", "theme"):
            int_param(request, name)  # a 400 naming it, before the form looks an id up
        form = RecommendationFilterForm(
            request.query_params or None,
            sources=selectors.sources_visible_to(user=user),
            sections=selectors.sections_visible_to(user=user),
        )
        if form.is_bound and not form.is_valid():
            raise form_errors(form)
        filters = form.to_filters() if form.is_bound else selectors.RecommendationFilters()
        rows = selectors.recommendation_list(user=user, filters=filters).prefetch_related(
            Prefetch("recommended_by", queryset=Organisation.objects.all()), "restricted_to"
        )
        self.count_set = selectors.recommendation_count_set(user=user, filters=filters)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _save(self, request, recommendation: Recommendation | None) -> Recommendation:
        given = RecommendationWriteSerializer(data=request.data, partial=recommendation is not None)
        given.is_valid(raise_exception=True)
        # Unset fields keep their value (PATCH) or the model's default (POST), as the form shows them.
        current = model_to_dict(recommendation or Recommendation(), fields=RecommendationForm.Meta.fields)
        data = {k: ([o.pk for o in v] if isinstance(v, list) else v) for k, v in current.items()}
        data.update(given.validated_data)  # typed by the serializer, whatever the body's encoding
        data = {k: ("" if v is None else v) for k, v in data.items()}
        form = RecommendationForm(data, instance=recommendation)
        if not form.is_valid():
            raise form_errors(form)
        if recommendation is None:
            return services.recommendation_create(
                by=request.user, reason=form.cleaned_data["reason"], **form.service_data()
            )
        return services.recommendation_update(
            recommendation=recommendation,
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_updated_at=form.cleaned_data["version"],
            **form.service_data(),
        )

    def create(self, request, *args, **kwargs):
        require(request.user, "recommendations.add_recommendation")
        saved = self._save(request, None)
        fresh = self.get_queryset().get(pk=saved.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        recommendation = self.get_object()
        require(request.user, "recommendations.change_recommendation", recommendation)
        self._save(request, recommendation)
        return Response(self.get_serializer(self.get_queryset().get(pk=recommendation.pk)).data)

    @extend_schema(responses=TimelineEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """Who changed what and why, newest first (members of the access layers and editors, as on the
        page); versions the caller could not open at their time are withheld."""
        recommendation = self.get_object()
        require(request.user, "recommendations.view_history")
        return Response(timeline(history_timeline(recommendation, user=request.user)))

    @extend_schema(
        parameters=[param("date", str, "A past day, YYYY-MM-DD: the record at the end of that day.")],
        responses=RecommendationSnapshotSerializer,
    )
    @action(detail=True, methods=["get"], url_path="as-of")
    def as_of(self, request, pk=None):
        """The recommendation as it stood on a past day; 404 if it did not exist then or the caller
        could not have opened it then."""
        recommendation = self.get_object()
        form = AsOfForm({"as_of": request.query_params.get("date", "")})
        if not form.is_valid() or not form.cleaned_data.get("as_of"):
            raise ValidationError({"date": date_errors(form)})
        snapshot = selectors.recommendation_as_of(
            user=request.user, recommendation=recommendation, when=form.moment()
        )
        if snapshot is None:
            raise Http404
        return Response(
            {
                "id": recommendation.pk,
                "as_of": form.cleaned_data["as_of"],
                "text": snapshot.text,
                "text_fr": snapshot.text_fr,
                "section": snapshot.section.pk if snapshot.section else None,
                "visibility": snapshot.visibility,
                "response": snapshot.response,
                "addressees": sorted(o.pk for o in snapshot.addressees),
                "priority_flags": sorted(f.pk for f in snapshot.priority_flags),
                "themes": sorted(t.pk for t in snapshot.themes),
            }
        )
