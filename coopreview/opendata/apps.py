from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "coopreview.opendata"
    label = "opendata"
    verbose_name = _("Open data")
    url_prefix = "open-data/"
    nav_items = [("opendata:index", _("Open data"), None)]
    # Above the recommendation list: the public records of the selection as CSV or JSON.
    list_actions = ["coopreview.opendata.views.list_download_links"]
