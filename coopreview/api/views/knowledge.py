"""The cooperation platform (State profiles, practices, case law, documents): read through the
knowledge selectors, so an entry or a linked record the caller may not open is never listed; written
through the knowledge services after the same django-rules permission and form as the pages."""

from django.db.models import Exists, OuterRef, Prefetch
from django.forms.models import model_to_dict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from coopreview.api.serializers import knowledge as s
from coopreview.api.serializers import writes as w
from coopreview.api.serializers.recommendations import TimelineEntrySerializer
from coopreview.api.views.base import ReadViewSet, form_errors, one_of, require, timeline
from coopreview.core.history import history_timeline
from coopreview.knowledge import selectors, services
from coopreview.knowledge import views as pages
from coopreview.knowledge.forms import AttachmentForm, CaseLawForm, PracticeForm, ProposalForm
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
    """Profile sections. Writes as on the State's page: a focal point of the section's State (or an
    editor) verifies it or proposes changes, which editors review on the web."""

    serializer_class = s.StateProfileSerializer
    history = _history_action("recommendations.view_history", _profile_excluded)

    @extend_schema(request=None, responses=s.StateProfileSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Mark the section as verified today (knowledge.verify_profile)."""
        profile = self.get_object()
        require(request.user, "knowledge.verify_profile", profile)
        services.profile_verify(profile=profile, by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=profile.pk)).data)

    @extend_schema(request=w.ProposalWriteSerializer, responses={201: w.ProposalSerializer})
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        """Propose new values for the section (knowledge.propose_change); only changed fields are kept."""
        profile = self.get_object()
        require(request.user, "knowledge.propose_change", profile)
        given = w.ProposalWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = model_to_dict(profile, fields=ProposalForm.Meta.fields)
        data.update(given.validated_data)
        form = ProposalForm({k: ("" if v is None else v) for k, v in data.items()})
        if not form.is_valid():
            raise form_errors(form)
        proposal = services.proposal_create(
            profile=profile, by=request.user, changes=form.changes(), reason=form.cleaned_data["reason"]
        )
        return Response(w.ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)

    def queryset_for(self, user):
        return (
            selectors.profiles_visible_to(user=user)
            .prefetch_related("restricted_to")
            .order_by("state_id", "measure", "pk")
        )


class _EntryWrites:
    """Create (POST) and edit (PATCH) of practices and case law: editors only
    (knowledge.change_entries), the edit form's rules, the entry's service; a stale `version` is a 409."""

    form_class: type
    write_serializer: type
    create_service = staticmethod(lambda **kw: None)
    update_service = staticmethod(lambda **kw: None)
    entry_arg: str

    def _form(self, request, entry):
        given = self.write_serializer(data=request.data, partial=entry is not None)
        given.is_valid(raise_exception=True)
        values = dict(given.validated_data)
        # Unset fields keep their value (PATCH) or the model's default (POST), as the form shows them.
        current = model_to_dict(entry or self.form_class.Meta.model(), fields=self.form_class.Meta.fields)
        data = {k: ([o.pk for o in v] if isinstance(v, list) else v) for k, v in current.items()}
        if entry is not None:
            data["recommendations"] = list(entry.recommendations.values_list("pk", flat=True))
            data["version"] = entry.updated_at
        data.update(values)
        data["recommendation_ids"] = " ".join(str(pk) for pk in data.pop("recommendations", []))
        data = {k: ("" if v is None else v) for k, v in data.items()}
        form = self.form_class(data, instance=entry, user=request.user)
        if not form.is_valid():
            raise form_errors(form)
        return form

    def create(self, request, *args, **kwargs):
        require(request.user, "knowledge.change_entries")
        form = self._form(request, None)
        reason = form.cleaned_data["reason"]
        entry = self.create_service(by=request.user, reason=reason, **form.service_data())
        fresh = self.get_queryset().get(pk=entry.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()  # 404 before 403: a hidden entry's existence is not revealed
        require(request.user, "knowledge.change_entries")
        form = self._form(request, entry)
        self.update_service(
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_updated_at=form.cleaned_data["version"],
            **{self.entry_arg: entry},
            **form.service_data(),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=entry.pk)).data)


@extend_schema_view(
    create=extend_schema(request=w.PracticeWriteSerializer, responses={201: s.PracticeSerializer}),
    partial_update=extend_schema(request=w.PracticeWriteSerializer),
)
class PracticeViewSet(_EntryWrites, ReadViewSet):
    serializer_class = s.PracticeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    form_class = PracticeForm
    write_serializer = w.PracticeWriteSerializer
    create_service = staticmethod(services.practice_create)
    update_service = staticmethod(services.practice_update)
    entry_arg = "practice"
    history = _history_action("knowledge.change_entries")  # shown on the edit page

    def queryset_for(self, user):
        return (
            selectors.practices_visible_to(user=user)
            .prefetch_related("restricted_to", _visible_recs(user))
            .order_by("-created_at", "pk")
        )


@extend_schema_view(
    create=extend_schema(request=w.CaseLawWriteSerializer, responses={201: s.CaseLawSerializer}),
    partial_update=extend_schema(request=w.CaseLawWriteSerializer),
)
class CaseLawViewSet(_EntryWrites, ReadViewSet):
    serializer_class = s.CaseLawSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    form_class = CaseLawForm
    write_serializer = w.CaseLawWriteSerializer
    create_service = staticmethod(services.case_law_create)
    update_service = staticmethod(services.case_law_update)
    entry_arg = "decision"
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


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": w.DocumentUploadSerializer}, responses={201: s.DocumentSerializer}
    )
)
class DocumentViewSet(ReadViewSet):
    """Documents: their descriptions, their files (`download/`, audited as on the web when not
    public) and, for editors, a new attachment to a practice (multipart upload)."""

    serializer_class = s.DocumentSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [MultiPartParser()]  # a file: never JSON
        return super().get_parsers()

    def create(self, request, *args, **kwargs):
        given = w.DocumentUploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        practice = one_of(selectors.practices_visible_to(user=request.user), data.pop("practice"), "practice")
        require(request.user, "knowledge.change_entries")
        upload = data.pop("file")
        form = AttachmentForm(data, {"file": upload}, prefix=None)
        if not form.is_valid():
            raise form_errors(form)
        document = services.practice_document_attach(
            practice=practice,
            upload=form.cleaned_data["file"],
            by=request.user,
            title=form.cleaned_data["title"],
            title_fr=form.cleaned_data["title_fr"],
            language=form.cleaned_data["language"],
        )
        fresh = self.get_queryset().get(pk=document.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, pages.CONTENT_TYPES["docx"]): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Absent, or not open to the caller."),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file: the web download's own response (same access check, same audit event)."""
        document = self.get_object()  # documents_visible_to, as selectors.document_get on the page
        return pages.document_response(document)

    def queryset_for(self, user):
        practices = selectors.practices_visible_to(user=user).filter(pk=OuterRef("practice_id"))
        return (
            selectors.documents_visible_to(user=user)
            .annotate(practice_visible=Exists(practices))
            .prefetch_related("restricted_to")
            .order_by("-created_at", "pk")
        )
