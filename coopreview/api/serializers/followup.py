from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coopreview.accounts.display import user_display_name
from coopreview.api.serializers.recommendations import Id
from coopreview.followup.enums import Assessment, Budgetary, Category, Status
from coopreview.followup.models import Action, Categorisation, FollowupPart, ProgressUpdate, StakeholderView
from coopreview.lineage.enums import LinkType
from coopreview.lineage.models import Link


class PersonField(serializers.Field):
    """A person as the pages name them (name and organisation), never by their sign-in name."""

    def to_representation(self, value) -> str:
        return user_display_name(value)


PersonField = extend_schema_field({"type": "string"})(PersonField)


class CategorisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Categorisation
        fields = [
            "id",
            "recommendation",
            "category",
            "proposed_by",
            "rationale",
            "approved",
            "approved_by",
            "approved_on",
            "approved_in",
            "approval_link",
            "updated_at",
        ]


class StakeholderViewSerializer(serializers.ModelSerializer):
    class Meta:
        model = StakeholderView
        fields = [
            "id",
            "recommendation",
            "organisation",
            "category",
            "position",
            "rationale",
            "priority_flag",
            "updated_at",
        ]


class FollowupPartSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowupPart
        fields = [
            "id",
            "recommendation",
            "addressee",
            "side",
            "assessment",
            "budgetary",
            "status",
            "narrative",
            "lead",
            "confidential",
            "updated_at",
        ]


class PartSnapshotSerializer(serializers.Serializer):
    """A part as it stood at the end of the day asked for."""

    id = serializers.IntegerField()
    recommendation_id = serializers.IntegerField()
    addressee_id = serializers.IntegerField()
    side = serializers.CharField()
    status = serializers.CharField()
    assessment = serializers.CharField(allow_blank=True)
    budgetary = serializers.CharField(allow_blank=True)
    narrative = serializers.CharField(allow_blank=True)
    lead_id = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateTimeField(help_text="When this state was recorded.")


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = [
            "id",
            "title",
            "description",
            "lead",
            "recommendations",
            "start",
            "due",
            "progress",
            "created_at",
            "updated_at",
        ]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    author = PersonField(read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = ["id", "action", "text", "progress", "author", "state", "validated_at", "created_at"]


class LinkSerializer(serializers.ModelSerializer):
    confirmed_by = PersonField(read_only=True)

    class Meta:
        model = Link
        fields = [
            "id",
            "from_recommendation",
            "to_recommendation",
            "action",
            "link_type",
            "reason",
            "origin",
            "score",
            "confirmed_by",
            "confirmed_at",
        ]


# ---------------------------------------------------------------- inputs


class CategorisationProposeSerializer(serializers.Serializer):
    recommendation = Id()
    category = serializers.ChoiceField(choices=Category.choices)
    rationale = serializers.CharField(required=False, allow_blank=True)
    version = serializers.DateTimeField(required=False)


class CategorisationApproveSerializer(serializers.Serializer):
    approved_by = serializers.CharField(max_length=200)
    approved_on = serializers.DateField()
    approved_in = serializers.CharField(required=False, allow_blank=True, max_length=300)
    approval_link = serializers.URLField(required=False, allow_blank=True)
    version = serializers.DateTimeField(required=False)


class StakeholderViewWriteSerializer(serializers.Serializer):
    recommendation = Id()
    organisation = Id()
    position = serializers.CharField(max_length=300)
    category = serializers.ChoiceField(choices=Category.choices, required=False, allow_blank=True)
    rationale = serializers.CharField(required=False, allow_blank=True)
    priority_flag = Id(required=False, allow_null=True)


class PartWriteSerializer(serializers.Serializer):
    assessment = serializers.ChoiceField(choices=Assessment.choices, required=False, allow_blank=True)
    budgetary = serializers.ChoiceField(choices=Budgetary.choices, required=False)
    narrative = serializers.CharField(required=False, allow_blank=True)
    lead = Id(required=False, allow_null=True)
    confidential = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    version = serializers.DateTimeField(required=False)


class PartTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    version = serializers.DateTimeField(required=False)


class ActionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    lead = Id()
    recommendations = serializers.ListField(child=Id(), min_length=1)
    description = serializers.CharField(required=False, allow_blank=True)
    start = serializers.DateField(required=False, allow_null=True)
    due = serializers.DateField(required=False, allow_null=True)
    progress = serializers.IntegerField(required=False, min_value=0, max_value=100)


class ActionPatchSerializer(ActionWriteSerializer):
    title = serializers.CharField(max_length=300, required=False)
    lead = Id(required=False)
    recommendations = serializers.ListField(child=Id(), min_length=1, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    version = serializers.DateTimeField(required=False)


class ProgressUpdateWriteSerializer(serializers.Serializer):
    action = Id()
    text = serializers.CharField()
    progress = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)


class ProgressUpdateValidateSerializer(serializers.Serializer):
    publish = serializers.BooleanField(help_text="true: publish; false: return it to its author.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class LinkWriteSerializer(serializers.Serializer):
    from_recommendation = Id()
    to_recommendation = Id(required=False, allow_null=True)
    action = Id(required=False, allow_null=True)
    link_type = serializers.ChoiceField(choices=LinkType.choices)
    reason = serializers.CharField(required=False, allow_blank=True)
