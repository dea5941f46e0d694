"""Notifications inside the platform, beside the e-mails.

No simple-history here, unlike every domain model: a notification is itself the record of an event that
is already in the history of its target (the action, the update, the recommendation); its one change is
being marked read, which only its recipient sees and nobody audits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopreview.inbox.enums import Verb


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(gettext_lazy("what"), max_length=30, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField(gettext_lazy("about"), max_length=300, blank=True)
    count = models.PositiveIntegerField(default=1)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = gettext_lazy("notification")
        verbose_name_plural = gettext_lazy("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="inbox_notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.message}"

    @property
    def message(self) -> str:
        """The sentence, translated when read (stored data are the verb, the target and the count)."""
        t, n = self.target, self.count
        messages = {
            Verb.REMINDER: _("%(n)d follow-up action(s) due or overdue: %(t)s"),
            Verb.PROFILE_REMINDER: _("Cooperation profile of %(t)s: %(n)d section(s) to verify"),
            Verb.INVITATION: _("Invitation: %(t)s"),
            Verb.UPDATE_SUBMITTED: _("Progress update to validate on “%(t)s”"),
            Verb.UPDATE_PUBLISHED: _("Your progress update on “%(t)s” was published"),
            Verb.UPDATE_RETURNED: _("Your progress update on “%(t)s” was returned to you"),
            Verb.BULK_CHANGE: _("%(n)d recommendation(s) of yours changed: %(t)s"),
            Verb.ASSISTANCE_DUE: _("%(n)d request(s) for assistance due or overdue: %(t)s"),
            Verb.ASSISTANCE_UPDATE: _("Request for assistance %(t)s: new status or correspondence"),
        }
        return messages.get(self.verb, "%(t)s") % {"t": t, "n": n}
