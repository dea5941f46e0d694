from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "coopreview.api"
    label = "api"
    verbose_name = _("REST API")
    url_prefix = "api/"  # v1/ (versioned: a v2 can live beside it) and tokens/ (the token page)

    def ready(self) -> None:
        from coopreview.api import schema  # noqa: F401 — tells drf-spectacular about the token scheme
