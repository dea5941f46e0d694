from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "coopreview.meetings"
    label = "meetings"
    verbose_name = _("Meetings")
    url_prefix = "meetings/"
    nav_items = [("meetings:list", _("Meetings"), "meetings.list_meetings")]
    demo_loader = "coopreview.meetings.demo.load_demo"
    recommendation_panels = ["coopreview.meetings.views.recommendation_panel"]
