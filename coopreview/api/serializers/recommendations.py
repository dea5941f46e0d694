from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import user_is_editor
from coopreview.recommendations.models import PriorityFlag, Recommendation, Section, Source, Theme


def Id(**kwargs) -> serializers.IntegerField:  # noqa: N802 — reads as a field type
    """An id in a write: a positive 64-bit integer (larger ones would overflow the database's)."""
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kwargs)


def _editor(context: dict) -> bool:
    request = context.get("request")
    return bool(request) and user_is_editor(request.user)


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "code", "name", "name_fr", "parent", "iso_alpha2", "is_state_party"]


class PriorityFlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityFlag
        fields = ["id", "name", "name_fr", "colour", "description", "description_fr", "owner"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "slug", "name", "name_fr"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "symbol",
            "title",
            "title_fr",
            "issuing_body",
            "date",
            "language",
            "link",
            "updated_at",
        ]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "source", "parent", "title", "title_fr", "position"]


class RecommendationSerializer(serializers.ModelSerializer):
    source_symbol = serializers.CharField(source="source.symbol", read_only=True)
    restricted_to = serializers.SerializerMethodField(
        help_text="Organisations a restricted record is open to (shown to editors; empty otherwise)."
    )

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "source",
            "source_symbol",
            "reference",
            "text",
            "text_fr",
            "section",
            "addressees",
            "recommended_by",
            "response",
            "priority_flags",
            "themes",
            "visibility",
            "restricted_to",
            "page",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_restricted_to(self, obj: Recommendation) -> list[int]:
        if not _editor(self.context):
            return []
        return sorted(o.pk for o in obj.restricted_to.all())


class RecommendationSnapshotSerializer(serializers.Serializer):
    """A recommendation as it stood at the end of `as_of` (from its history)."""

    id = serializers.IntegerField()
    as_of = serializers.DateField()
    text = serializers.CharField()
    text_fr = serializers.CharField(allow_blank=True)
    section = serializers.IntegerField(allow_null=True)
    visibility = serializers.CharField()
    response = serializers.CharField(allow_blank=True)
    addressees = serializers.ListField(child=serializers.IntegerField())
    priority_flags = serializers.ListField(child=serializers.IntegerField())
    themes = serializers.ListField(child=serializers.IntegerField())


class FieldChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    """One version of a record: who, when, what changed and why. `withheld`: a version the caller
    could not open at its time (no values, no reason)."""

    when = serializers.DateTimeField()
    who = serializers.CharField()
    kind = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    reason = serializers.CharField(allow_blank=True)
    withheld = serializers.BooleanField()
    changes = FieldChangeSerializer(many=True)


class RecommendationWriteSerializer(serializers.Serializer):
    """The edit form's fields (recommendations.forms.RecommendationForm validates them, as on the web).
    Organisations, flags, themes and sections are given by id."""

    source = Id()
    reference = serializers.CharField(max_length=50)
    text = serializers.CharField()
    text_fr = serializers.CharField(required=False, allow_blank=True)
    section = Id(required=False, allow_null=True)
    addressees = serializers.ListField(child=Id(), required=False)
    recommended_by = serializers.ListField(child=Id(), required=False)
    response = serializers.CharField(required=False, allow_blank=True)
    priority_flags = serializers.ListField(child=Id(), required=False)
    themes = serializers.ListField(child=Id(), required=False)
    visibility = serializers.CharField(required=False)
    restricted_to = serializers.ListField(child=Id(), required=False)
    page = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=2**31 - 1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    version = serializers.DateTimeField(
        required=False, help_text="`updated_at` as you read it: a newer save by someone else is a 409."
    )


class SourceWriteSerializer(serializers.Serializer):
    symbol = serializers.CharField(required=False, max_length=100)
    title = serializers.CharField(required=False, max_length=300)
    title_fr = serializers.CharField(required=False, allow_blank=True, max_length=300)
    date = serializers.DateField(required=False, allow_null=True)
    link = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    version = serializers.DateTimeField(required=False)
