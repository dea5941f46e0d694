from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coopreview.api.serializers.recommendations import _editor
from coopreview.knowledge.models import CaseLaw, Document, Practice, StateProfile
from coopreview.knowledge.selectors import user_sees_contacts
from coopreview.meetings.models import AgendaItem, Meeting

ID_LIST = serializers.ListField(child=serializers.IntegerField())


class _Restricted(serializers.ModelSerializer):
    """Entries of the cooperation platform: `restricted_to` shown to editors only, and linked
    recommendations only those the caller may open (`visible_recommendations`, set by the view)."""

    restricted_to = serializers.SerializerMethodField()

    @extend_schema_field(ID_LIST)
    def get_restricted_to(self, obj) -> list[int]:
        return sorted(o.pk for o in obj.restricted_to.all()) if _editor(self.context) else []

    def _visible_ids(self, obj, attr: str = "visible_recommendations") -> list[int]:
        return sorted(r.pk for r in getattr(obj, attr, []))


class StateProfileSerializer(_Restricted):
    contact_details = serializers.SerializerMethodField(
        help_text="Points of contact: shown to the Court's and States' signed-in users and to editors."
    )

    class Meta:
        model = StateProfile
        fields = [
            "id",
            "state",
            "measure",
            "legislation_title",
            "legislation_title_fr",
            "legislation_date",
            "legislation_link",
            "legislation_status",
            "competent_authority",
            "competent_authority_fr",
            "channel",
            "languages",
            "requirements",
            "requirements_fr",
            "processing_time",
            "processing_time_fr",
            "contact_details",
            "agreements",
            "agreements_fr",
            "last_verified_on",
            "visibility",
            "restricted_to",
            "updated_at",
        ]

    def get_contact_details(self, obj: StateProfile) -> str:
        request = self.context.get("request")
        return obj.contact_details if request and user_sees_contacts(request.user) else ""


class PracticeSerializer(_Restricted):
    recommendations = serializers.SerializerMethodField()

    class Meta:
        model = Practice
        fields = [
            "id",
            "title",
            "title_fr",
            "summary",
            "summary_fr",
            "body",
            "body_fr",
            "tags",
            "organisation",
            "measure",
            "recommendations",
            "visibility",
            "restricted_to",
            "updated_at",
        ]

    @extend_schema_field(ID_LIST)
    def get_recommendations(self, obj: Practice) -> list[int]:
        return self._visible_ids(obj)


class CaseLawSerializer(_Restricted):
    recommendations = serializers.SerializerMethodField()
    profiles = serializers.SerializerMethodField()

    class Meta:
        model = CaseLaw
        fields = [
            "id",
            "title",
            "title_fr",
            "situation",
            "case",
            "chamber",
            "date",
            "document_number",
            "summary",
            "summary_fr",
            "link",
            "topics",
            "measure",
            "recommendations",
            "profiles",
            "visibility",
            "restricted_to",
            "updated_at",
        ]

    @extend_schema_field(ID_LIST)
    def get_recommendations(self, obj: CaseLaw) -> list[int]:
        return self._visible_ids(obj)

    @extend_schema_field(ID_LIST)
    def get_profiles(self, obj: CaseLaw) -> list[int]:
        return self._visible_ids(obj, "visible_profiles")


class DocumentSerializer(_Restricted):
    practice = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "title_fr",
            "filename",
            "file_type",
            "size",
            "language",
            "practice",
            "organisation",
            "visibility",
            "restricted_to",
            "updated_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_practice(self, obj: Document) -> int | None:
        return obj.practice_id if getattr(obj, "practice_visible", False) else None


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "type",
            "start",
            "end",
            "time_zone",
            "place",
            "online_link",
            "description",
            "organisers",
            "status",
            "minutes_approved_at",
        ]


class AgendaItemSerializer(serializers.ModelSerializer):
    recommendations = serializers.SerializerMethodField(
        help_text="The item's recommendations the caller may open."
    )

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "position", "title", "description", "recommendations", "action", "minutes"]

    @extend_schema_field(ID_LIST)
    def get_recommendations(self, obj: AgendaItem) -> list[int]:
        return sorted(r.pk for r in getattr(obj, "linked", []))
