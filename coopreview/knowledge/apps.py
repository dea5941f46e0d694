from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "coopreview.knowledge"
    label = "knowledge"
    verbose_name = _("Cooperation platform")
    url_prefix = "cooperation/"
    nav_items = [
        ("knowledge:index", _("State profiles"), None),
        ("knowledge:practices", _("Practices"), None),
        ("knowledge:caselaw_list", _("Case law"), None),
    ]
    demo_loader = "coopreview.knowledge.demo.load_demo"
