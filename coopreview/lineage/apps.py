from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LineageConfig(AppConfig):
    name = "coopreview.lineage"
    label = "lineage"
    verbose_name = _("Links between recommendations")
    url_prefix = "lineage/"
    nav_items = [("lineage:links", _("Links"), None)]
    recommendation_panels = ["coopreview.lineage.views.recommendation_panel"]
