from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "coopreview.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
    url_prefix = "webhooks/"
    nav_items = [("webhooks:endpoints", _("Webhooks"), "webhooks.manage_endpoints")]

    def ready(self) -> None:
        from coopreview.webhooks import jobs  # noqa: F401  (registers the webhooks.deliver job kind)
