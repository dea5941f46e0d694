from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "coopreview.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")
    url_prefix = "recommendations/"
    nav_items = [("recommendations:list", _("Recommendations"), None)]
