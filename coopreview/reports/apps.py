from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "coopreview.reports"
    label = "reports"
    verbose_name = _("Reports")
    url_prefix = "reports/"
    list_actions = ["coopreview.reports.views.list_download_buttons"]
    recommendation_panels = ["coopreview.reports.views.recommendation_panel"]
