from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    """A signed-in person's own pages: where they land, "My work", the editors' queue, notifications."""

    name = "coopreview.inbox"
    label = "inbox"
    verbose_name = _("My work")
    url_prefix = "me/"
    default_auto_field = "django.db.models.BigAutoField"
