"""Inputs of the meetings' and the cooperation platform's writes. They only type the body (JSON or a
form); the web's own forms then validate it, so the rules and messages are the pages'."""

from django.conf import settings
from rest_framework import serializers

from coopreview.api.serializers.recommendations import Id
from coopreview.followup.enums import Status
from coopreview.knowledge.enums import Measure, Visibility
from coopreview.meetings.enums import ChangeKind, MeetingType
from coopreview.meetings.models import Decision

WALL_CLOCK = "Wall-clock date and time in `time_zone`, YYYY-MM-DDTHH:MM (no offset)."


class MeetingWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    type = serializers.ChoiceField(choices=MeetingType.choices)
    start = serializers.CharField(max_length=40, help_text=WALL_CLOCK)
    end = serializers.CharField(max_length=40, help_text=WALL_CLOCK)
    time_zone = serializers.CharField(max_length=64, help_text="An IANA time zone, e.g. Europe/Amsterdam.")
    place = serializers.CharField(max_length=300, required=False, allow_blank=True)
    online_link = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    organisers = serializers.ListField(child=Id(), required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=100)


class AgendaItemWriteSerializer(serializers.Serializer):
    meeting = Id()
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)
    recommendations = serializers.ListField(child=Id(), required=False, max_length=200)
    action = Id(required=False, allow_null=True)


class AgendaItemPatchSerializer(serializers.Serializer):
    """An item's text and links (the add form's rules; links to recommendations the caller may not
    open are kept), its minutes (once held) and its place (up/down)."""

    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    recommendations = serializers.ListField(child=Id(), required=False, max_length=200)
    action = Id(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=100)
    minutes = serializers.CharField(required=False, allow_blank=True)
    move = serializers.ChoiceField(choices=["up", "down"], required=False)


class DecisionWriteSerializer(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=ChangeKind.choices, required=False, allow_blank=True)
    recommendation = Id(required=False, allow_null=True)
    priority_flag = Id(required=False, allow_null=True)
    organisation = Id(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True)
    change_text = serializers.CharField(required=False, allow_blank=True, max_length=300)
    due = serializers.DateField(required=False, allow_null=True)


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "item", "text", "created_at"]


class _EntryWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    title_fr = serializers.CharField(max_length=300, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    summary_fr = serializers.CharField(required=False, allow_blank=True)
    measure = serializers.ChoiceField(choices=Measure.choices, required=False, allow_blank=True)
    recommendations = serializers.ListField(child=Id(), required=False, max_length=200)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    restricted_to = serializers.ListField(child=Id(), required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=100)
    version = serializers.DateTimeField(
        required=False, help_text="`updated_at` as you read it: a newer save by someone else is a 409."
    )


class PracticeWriteSerializer(_EntryWriteSerializer):
    body = serializers.CharField(required=False, allow_blank=True, help_text="HTML, sanitised on save.")
    body_fr = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.CharField(required=False, allow_blank=True, max_length=300)
    organisation = Id(required=False, allow_null=True)


class CaseLawWriteSerializer(_EntryWriteSerializer):
    situation = serializers.CharField(required=False, allow_blank=True, max_length=200)
    case = serializers.CharField(required=False, allow_blank=True, max_length=200)
    chamber = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date = serializers.DateField(required=False, allow_null=True)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    link = serializers.CharField(required=False, allow_blank=True, max_length=200)
    topics = serializers.CharField(required=False, allow_blank=True, max_length=300)


class DocumentUploadSerializer(serializers.Serializer):
    """A PDF or DOCX attached to a practice (multipart/form-data); it takes the practice's access."""

    practice = Id()
    title = serializers.CharField(max_length=300)
    title_fr = serializers.CharField(max_length=300, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    file = serializers.FileField()


class ProposalWriteSerializer(serializers.Serializer):
    """Proposed values of a profile section's editable fields (the others keep theirs)."""

    legislation_title = serializers.CharField(required=False, allow_blank=True)
    legislation_title_fr = serializers.CharField(required=False, allow_blank=True)
    legislation_date = serializers.DateField(required=False, allow_null=True)
    legislation_link = serializers.CharField(required=False, allow_blank=True, max_length=200)
    legislation_status = serializers.CharField(required=False, allow_blank=True)
    competent_authority = serializers.CharField(required=False, allow_blank=True)
    competent_authority_fr = serializers.CharField(required=False, allow_blank=True)
    channel = serializers.CharField(required=False, allow_blank=True)
    languages = serializers.CharField(required=False, allow_blank=True)
    requirements = serializers.CharField(required=False, allow_blank=True)
    requirements_fr = serializers.CharField(required=False, allow_blank=True)
    processing_time = serializers.CharField(required=False, allow_blank=True)
    processing_time_fr = serializers.CharField(required=False, allow_blank=True)
    contact_details = serializers.CharField(required=False, allow_blank=True)
    agreements = serializers.CharField(required=False, allow_blank=True)
    agreements_fr = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    profile = serializers.IntegerField(source="profile_id")
    changes = serializers.DictField()
    status = serializers.CharField()
