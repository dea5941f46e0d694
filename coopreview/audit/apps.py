from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "coopreview.audit"
    label = "audit"
    verbose_name = _("Audit log")
    url_prefix = "audit/"

    def ready(self) -> None:
        from coopreview.audit import signals  # noqa: F401 — connects the receivers
