"""Importing a set through the API: the web's own flow (importers.jobs). POST a file: an import is made
and its reading queued; GET it until `status` is "ready" (its counts and problems are the preview);
POST …/apply/ to write it. Editors, on their own imports, as on the upload page."""

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from coopreview.api.views.base import ReadViewSet, form_errors, require
from coopreview.importers import jobs, selectors
from coopreview.importers.forms import FORMAT_CHOICES, UploadForm
from coopreview.importers.models import ImportJob


class ProblemSerializer(serializers.Serializer):
    place = serializers.CharField()
    reason = serializers.CharField()
    blocking = serializers.BooleanField()


class ImportSerializer(serializers.ModelSerializer):
    counts = serializers.SerializerMethodField()
    applied = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "file_name",
            "format",
            "source_symbol",
            "status",
            "error",
            "counts",
            "applied",
            "problems",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_counts(self, obj: ImportJob) -> dict[str, int]:
        return dict((obj.preview or {}).get("counts", {}))

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_applied(self, obj: ImportJob) -> dict[str, int]:
        return dict((obj.preview or {}).get("applied", {}))

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, obj: ImportJob) -> list[dict]:
        return [
            {
                "place": str(p.get("place", "")),
                "reason": str(p.get("reason", "")),
                "blocking": bool(p.get("blocking")),
            }
            for p in (obj.preview or {}).get("problems", [])
        ]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    source = serializers.CharField(required=False, allow_blank=True, max_length=100)
    format = serializers.ChoiceField(choices=[c for c, _label in FORMAT_CHOICES], required=False)
    mark_flag = serializers.CharField(required=False, allow_blank=True, max_length=100)


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": ImportUploadSerializer}, responses={201: ImportSerializer}
    )
)
class ImportViewSet(mixins.CreateModelMixin, ReadViewSet):
    serializer_class = ImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    def queryset_for(self, user):
        if not user.has_perm("importers.import_recommendations"):
            return ImportJob.objects.none()
        return selectors.import_jobs_for(user=user).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        require(request.user, "importers.import_recommendations")
        data = {"format": "auto", "source": "", "mark_flag": "Priority"}
        data.update({k: request.data[k] for k in ("source", "format", "mark_flag") if k in request.data})
        form = UploadForm(data, request.FILES)
        if not form.is_valid():
            raise form_errors(form)
        clean = form.cleaned_data
        job = jobs.import_job_create(
            by=request.user,
            upload=clean["file"],
            source=clean["source"],
            format=clean["format"],
            mark_flag=clean["mark_flag"],
        )
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ImportSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def apply(self, request, pk=None):
        """Write the previewed recommendations (refused while a blocking problem remains, or if the file
        now reads differently from its preview). Runs as a job: GET the import until `applied`."""
        job = self.get_object()
        jobs.import_job_apply(job=job, by=request.user)
        job.refresh_from_db()
        return Response(self.get_serializer(job).data)
