from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    """Requests for assistance from the Court to States: templates, drafting, tracking, statistics.
    Named `assistance`, never `requests` (that would shadow the HTTP library)."""

    name = "coopreview.assistance"
    label = "assistance"
    verbose_name = _("Requests for assistance")
    url_prefix = "assistance/"
    # The page is open to everyone (the anonymised statistics); requests themselves are listed by access.
    nav_items = [("assistance:index", _("Requests for assistance"), None)]
    demo_loader = "coopreview.assistance.demo.load_demo"
