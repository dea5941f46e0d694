"""Forms: they take wall-clock times in the meeting's time zone and hand aware datetimes to services."""

import zoneinfo
from datetime import UTC, datetime

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopreview.accounts.models import Organisation
from coopreview.core.widgets import IsoDateInput, IsoDateTimeInput
from coopreview.followup.enums import Status
from coopreview.followup.models import Action
from coopreview.knowledge.forms import RecommendationIdsField
from coopreview.meetings.enums import DEFAULT_TIME_ZONE, ChangeKind, MeetingType, ParticipantRole
from coopreview.meetings.models import Meeting, Participant, time_zone_names, validate_time_zone
from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.models import PriorityFlag, Recommendation, flag_label

DATETIME_WIDGET = IsoDateTimeInput()


def local_datetime(naive: datetime, time_zone: str) -> datetime:
    """Attach `time_zone` to a wall-clock time; refuses times that do not exist or are ambiguous there
    (the hour skipped or repeated when clocks change)."""
    tz = zoneinfo.ZoneInfo(time_zone)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise forms.ValidationError(
            _("%(time)s does not exist or happens twice in %(zone)s (clocks change): choose another time.")
            % {"time": naive.strftime("%Y-%m-%d %H:%M"), "zone": time_zone}
        )
    return first


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as written, before any time zone: the form attaches the meeting's zone itself
    (Django would attach the reader's zone and refuse times that do not exist there)."""

    widget = DATETIME_WIDGET

    def to_python(self, value):
        with timezone.override(UTC):  # UTC has no gaps or repeats: the wall clock comes through intact
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result is not None else None


class TimeZoneField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("validators", [validate_time_zone])
        kwargs.setdefault("widget", forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}))
        super().__init__(**kwargs)


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    type = forms.ChoiceField(label=_("Type"), choices=MeetingType.choices)
    start = WallClockDateTimeField(label=_("Start"))
    end = WallClockDateTimeField(label=_("End"))
    time_zone = TimeZoneField(
        label=_("Time zone"), initial=DEFAULT_TIME_ZONE, help_text=_("Start and end are in this time zone.")
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    organisers = forms.ModelMultipleChoiceField(
        label=_("Organisers"), queryset=Organisation.objects.order_by("kind", "name"), required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs) -> None:
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": meeting.title,
                "type": meeting.type,
                "start": meeting.local_start.replace(tzinfo=None),
                "end": meeting.local_end.replace(tzinfo=None),
                "time_zone": meeting.time_zone,
                "place": meeting.place,
                "online_link": meeting.online_link,
                "organisers": list(meeting.organisers.all()),
                "description": meeting.description,
            }
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        tz = data.get("time_zone")
        if tz and data.get("start") and data.get("end"):
            for name in ("start", "end"):
                try:
                    data[name] = local_datetime(data[name], tz)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
            if not self.errors and data["end"] <= data["start"]:
                self.add_error("end", _("The end must be after the start."))
        return data


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    start = WallClockDateTimeField(label=_("Start"))
    end = WallClockDateTimeField(label=_("End"))
    room = forms.CharField(label=_("Room"), max_length=100, required=False)
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["start"].help_text = _("In the meeting's time zone (%(zone)s).") % {
            "zone": meeting.time_zone
        }
        self.fields["speakers"].queryset = meeting.participants.select_related("user", "organisation")

    def clean(self) -> dict:
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name):
                try:
                    data[name] = local_datetime(data[name], self.meeting.time_zone)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data


class LanguagePreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("As the browser asks")), *settings.LANGUAGES],
        required=False,
        help_text=_("For the pages once you sign in and for the e-mails you receive."),
    )


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=ParticipantRole.choices, initial=ParticipantRole.PARTICIPANT
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("kind", "name"), required=False
    )
    user = forms.ModelChoiceField(
        label=_("Person (user)"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
    )
    name = forms.CharField(label=_("Name (external person)"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email (external person)"), required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    recommendation_ids = RecommendationIdsField(label=_("Recommendations"))
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    action = forms.ModelChoiceField(
        label=_("Follow-up action"), queryset=Action.objects.none(), required=False
    )

    def __init__(self, *args, recommendations, actions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommendation_ids"].visible = recommendations
        self.fields["action"].queryset = actions

    def service_data(self) -> dict:
        """The cleaned data with the recommendations, in the order typed, instead of their numbers."""
        data = dict(self.cleaned_data)
        ids = data.pop("recommendation_ids")
        found = self.fields["recommendation_ids"].visible.in_bulk(ids)
        data["recommendations"] = [found[pk] for pk in ids]
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}), required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(
        label=_("Follow-up change"), choices=[("", _("None"))] + list(ChangeKind.choices), required=False
    )
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation it acts on"),
        queryset=Recommendation.objects.none(),
        required=False,
        help_text=_("One of the agenda item's recommendations; needed when the item has several."),
    )
    priority_flag = forms.ModelChoiceField(
        label=_("Priority flag"), queryset=PriorityFlag.objects.all(), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.exclude(kind="state").order_by("kind", "name"),
        required=False,
        help_text=_(
            "The addressee whose part moves, the lead of the action, or the organisation whose view it is."
        ),
    )
    status = forms.ChoiceField(
        label=_("New status"), choices=[("", "—")] + list(Status.choices), required=False
    )
    change_text = forms.CharField(label=_("Action title or position"), max_length=300, required=False)
    due = forms.DateField(label=_("Due"), required=False, widget=IsoDateInput())

    REQUIRED = {
        ChangeKind.ADD_PRIORITY_FLAG: ("priority_flag",),
        ChangeKind.REMOVE_PRIORITY_FLAG: ("priority_flag",),
        ChangeKind.MOVE_STATUS: ("organisation", "status"),
        ChangeKind.CREATE_ACTION: ("organisation", "change_text"),
        ChangeKind.RECORD_VIEW: ("organisation", "change_text"),
    }

    def __init__(self, *args, item=None, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the flags `user` may set are offered (their organisation's own); the field still accepts
        # any flag so that decision_record refuses another's flag with a message naming its owner.
        offered = rec_selectors.priority_flags_settable_by(user=user) if user is not None else []
        self.fields["priority_flag"].widget.choices = [("", "---------")] + [
            (f.pk, flag_label(f)) for f in offered
        ]
        # States are chosen too when a State's own view is recorded; keep the list complete.
        self.fields["organisation"].queryset = Organisation.objects.order_by("kind", "name")
        # The item's recommendations the user sees (selectors.agenda_item_get prefetches them as `linked`).
        linked = getattr(item, "linked", [])
        if len(linked) < 2:
            del self.fields["recommendation"]
        else:
            self.fields["recommendation"].queryset = Recommendation.objects.filter(
                pk__in=[rec.pk for rec in linked]
            ).select_related("source")

    def clean(self) -> dict:
        data = super().clean()
        for name in self.REQUIRED.get(data.get("kind"), ()):
            if not data.get(name):
                self.add_error(name, _("Required for this kind of follow-up change."))
        return data

    def changes(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("kind"):
            return []
        return [
            {
                "kind": data["kind"],
                "recommendation": data.get("recommendation"),
                "priority_flag": data.get("priority_flag"),
                "organisation": data.get("organisation"),
                "status": data.get("status"),
                "text": data.get("change_text"),
                "due": data.get("due"),
            }
        ]


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt) or text.")
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to nobody, kept in the history)"), max_length=100, required=False
    )


class TimeZonePreferenceForm(forms.Form):
    time_zone = TimeZoneField(
        label=_("Your time zone"), help_text=_("Meeting times are shown in this time zone.")
    )


def time_zone_choices() -> list[str]:
    return sorted(time_zone_names())
