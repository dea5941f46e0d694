from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportersConfig(AppConfig):
    name = "coopreview.importers"
    label = "importers"
    verbose_name = _("Imports")
    url_prefix = "imports/"
    nav_items = [("importers:upload", _("Import"), "importers.import_recommendations")]
