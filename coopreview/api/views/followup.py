"""The follow-up: categorisations, stakeholder views, parts (with their workflow), actions and their
progress updates, lineage links. Reads: followup/lineage selectors; writes: their services, which check
the same django-rules permissions as the pages (each side edits only its own part)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from coopreview.accounts.models import Organisation
from coopreview.api.serializers import followup as s
from coopreview.api.views.base import ReadViewSet, date_errors, int_param, one_of, param, require
from coopreview.core.edits import saved_nothing
from coopreview.followup import selectors, services
from coopreview.followup.models import Categorisation, StakeholderView
from coopreview.lineage import selectors as lineage_selectors
from coopreview.lineage import services as lineage_services
from coopreview.recommendations.forms import AsOfForm
from coopreview.recommendations.models import PriorityFlag
from coopreview.recommendations.selectors import recommendations_visible_to

BY_RECOMMENDATION = [param("recommendation", int, "Only those of this recommendation.")]


def _visible_recommendation(user, pk):
    return one_of(recommendations_visible_to(user=user), pk, "recommendation")


def _for_recommendation(request, qs, field: str = "recommendation_id"):
    pk = int_param(request, "recommendation")
    return qs if pk is None else qs.filter(**{field: pk})


def _created_or_unchanged(saved) -> int:
    """201 when the POST recorded something; 200 when it repeated what is recorded (nothing written)."""
    return status.HTTP_200_OK if saved_nothing(saved) else status.HTTP_201_CREATED


@extend_schema_view(
    list=extend_schema(parameters=BY_RECOMMENDATION),
    create=extend_schema(
        request=s.CategorisationProposeSerializer, responses={201: s.CategorisationSerializer}
    ),
)
class CategorisationViewSet(mixins.CreateModelMixin, ReadViewSet):
    """The Review Mechanism's categorisation of each recommendation the caller may open. Editors
    propose (POST, also to revise) and record the approval."""

    serializer_class = s.CategorisationSerializer

    def queryset_for(self, user):
        qs = Categorisation.objects.filter(
            recommendation__in=recommendations_visible_to(user=user).values("pk")
        )
        return _for_recommendation(self.request, qs).order_by("recommendation_id")

    def create(self, request, *args, **kwargs):
        given = s.CategorisationProposeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        cat = services.categorisation_propose(
            recommendation=_visible_recommendation(request.user, data["recommendation"]),
            category=data["category"],
            rationale=data.get("rationale", ""),
            by=request.user,
            expected_updated_at=data.get("version"),
        )
        return Response(self.get_serializer(cat).data, status=_created_or_unchanged(cat))

    @extend_schema(request=s.CategorisationApproveSerializer, responses=s.CategorisationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Record the approval (who, when, which meeting or decision): editors, as on the page."""
        categorisation = self.get_object()
        given = s.CategorisationApproveSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        expected = data.pop("version", None)
        cat = services.categorisation_approve(
            categorisation=categorisation, by=request.user, expected_updated_at=expected, **data
        )
        return Response(self.get_serializer(cat).data)


@extend_schema_view(
    list=extend_schema(parameters=BY_RECOMMENDATION),
    create=extend_schema(
        request=s.StakeholderViewWriteSerializer, responses={201: s.StakeholderViewSerializer}
    ),
)
class StakeholderViewViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Each organisation's own view beside the categorisation; its members record or revise it."""

    serializer_class = s.StakeholderViewSerializer

    def queryset_for(self, user):
        qs = StakeholderView.objects.filter(
            recommendation__in=recommendations_visible_to(user=user).values("pk")
        )
        return _for_recommendation(self.request, qs).order_by("recommendation_id", "organisation_id", "pk")

    def create(self, request, *args, **kwargs):
        given = s.StakeholderViewWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        flag = data.get("priority_flag")
        view = services.stakeholder_view_record(
            recommendation=_visible_recommendation(request.user, data["recommendation"]),
            organisation=one_of(Organisation.objects.all(), data["organisation"], "organisation"),
            by=request.user,
            position=data["position"],
            category=data.get("category", ""),
            rationale=data.get("rationale", ""),
            priority_flag=None if flag is None else one_of(PriorityFlag.objects.all(), flag, "priority_flag"),
        )
        return Response(self.get_serializer(view).data, status=_created_or_unchanged(view))


@extend_schema_view(
    list=extend_schema(parameters=BY_RECOMMENDATION),
    partial_update=extend_schema(request=s.PartWriteSerializer),
)
class FollowupPartViewSet(mixins.UpdateModelMixin, ReadViewSet):
    """The part of each recommendation one addressee must act on; only its own side edits it."""

    serializer_class = s.FollowupPartSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def queryset_for(self, user):
        return _for_recommendation(self.request, selectors.parts_visible_to(user=user)).order_by(
            "recommendation_id", "side", "addressee_id", "pk"
        )

    def partial_update(self, request, *args, **kwargs):
        part = self.get_object()
        given = s.PartWriteSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        reason, expected = data.pop("reason", ""), data.pop("version", None)
        if "lead" in data and data["lead"] is not None:
            data["lead"] = one_of(Organisation.objects.all(), data["lead"], "lead")
        part = services.part_update(
            part=part, by=request.user, reason=reason, expected_updated_at=expected, **data
        )
        return Response(self.get_serializer(part).data)

    @extend_schema(request=s.PartTransitionSerializer, responses=s.FollowupPartSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the part to another status, if the workflow allows it (the refusal lists what is)."""
        part = self.get_object()
        given = s.PartTransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        part = services.part_transition(
            part=part,
            status=data["status"],
            by=request.user,
            reason=data.get("reason", ""),
            expected_updated_at=data.get("version"),
        )
        return Response(self.get_serializer(part).data)

    @extend_schema(
        parameters=[param("date", str, "A past day, YYYY-MM-DD."), *BY_RECOMMENDATION],
        responses=s.PartSnapshotSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="as-of", pagination_class=None)
    def as_of(self, request):
        """Every visible part as it stood at the end of a past day (none the caller could not open
        then: the rule of that time and of now)."""
        form = AsOfForm({"as_of": request.query_params.get("date", "")})
        if not form.is_valid() or not form.cleaned_data.get("as_of"):
            raise ValidationError({"date": date_errors(form)})
        pk = int_param(request, "recommendation")
        snapshots = selectors.parts_as_of(
            user=request.user, when=form.moment(), recommendations=None if pk is None else [pk]
        )
        return Response([vars(p) for p in snapshots])


@extend_schema_view(
    list=extend_schema(parameters=BY_RECOMMENDATION),
    create=extend_schema(request=s.ActionWriteSerializer, responses={201: s.ActionSerializer}),
    partial_update=extend_schema(request=s.ActionPatchSerializer),
)
class ActionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadViewSet):
    """Follow-up actions all of whose recommendations the caller may open; the lead's side plans them."""

    serializer_class = s.ActionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def queryset_for(self, user):
        qs = selectors.actions_visible_to(user=user).prefetch_related("recommendations")
        return _for_recommendation(self.request, qs, "recommendations").order_by("pk")

    def _resolve(self, data: dict) -> dict:
        if "lead" in data:
            data["lead"] = one_of(Organisation.objects.all(), data["lead"], "lead")
        if "recommendations" in data:
            data["recommendations"] = [
                _visible_recommendation(self.request.user, pk) for pk in data["recommendations"]
            ]
        return data

    def create(self, request, *args, **kwargs):
        given = s.ActionWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        created = services.action_create(by=request.user, **self._resolve(dict(given.validated_data)))
        return Response(self.get_serializer(self.get_queryset().get(pk=created.pk)).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        current = self.get_object()
        given = s.ActionPatchSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = self._resolve(dict(given.validated_data))
        reason, expected = data.pop("reason", ""), data.pop("version", None)
        services.action_update(
            action=current, by=request.user, reason=reason, expected_updated_at=expected, **data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=current.pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=[param("action", int, "Only those of this action.")]),
    create=extend_schema(
        request=s.ProgressUpdateWriteSerializer, responses={201: s.ProgressUpdateSerializer}
    ),
)
class ProgressUpdateViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Progress updates: published ones, and the caller's own pending or returned ones (editors: all)."""

    serializer_class = s.ProgressUpdateSerializer

    def queryset_for(self, user):
        qs = selectors.updates_visible_to(user=user).prefetch_related("author__memberships__organisation")
        action_pk = int_param(self.request, "action")
        if action_pk is not None:
            qs = qs.filter(action_id=action_pk)
        return qs.order_by("created_at", "pk")

    def create(self, request, *args, **kwargs):
        given = s.ProgressUpdateWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        target = one_of(selectors.actions_visible_to(user=request.user), data["action"], "action")
        update = services.progress_update_create(
            action=target, by=request.user, text=data["text"], progress=data.get("progress")
        )
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProgressUpdateValidateSerializer, responses=s.ProgressUpdateSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Publish a pending update (its progress figure applies) or return it: editors."""
        update = self.get_object()
        given = s.ProgressUpdateValidateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        update = services.progress_update_validate(
            update=update,
            by=request.user,
            publish=given.validated_data["publish"],
            reason=given.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=update.pk)).data)


@extend_schema_view(
    list=extend_schema(parameters=[*BY_RECOMMENDATION, param("link_type", str, "One link type.")]),
    create=extend_schema(request=s.LinkWriteSerializer, responses={201: s.LinkSerializer}),
)
class LinkViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ReadViewSet):
    """Confirmed links between recommendations (or to an action), both ends open to the caller.
    Editors and facilitators confirm and remove them."""

    serializer_class = s.LinkSerializer

    def queryset_for(self, user):
        qs = lineage_selectors.link_list(user=user, link_type=self.request.query_params.get("link_type", ""))
        return _for_recommendation(self.request, qs, "from_recommendation_id")

    def create(self, request, *args, **kwargs):
        require(request.user, "lineage.add_link")
        given = s.LinkWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        link = lineage_services.link_create(
            by=request.user,
            from_pk=data["from_recommendation"],
            to_pk=data.get("to_recommendation"),
            action_pk=data.get("action"),
            link_type=data["link_type"],
            reason=data.get("reason", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=link.pk)).data, status=201)

    def destroy(self, request, *args, **kwargs):
        link = self.get_object()
        require(request.user, "lineage.delete_link")
        lineage_services.link_delete(by=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)
