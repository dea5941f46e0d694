from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "coopreview.followup"
    label = "followup"
    verbose_name = _("Follow-up")
    url_prefix = "followup/"
    nav_items = [
        ("followup:dashboard", _("Follow-up"), None),
        ("followup:schedule", _("Schedule"), None),
    ]
    demo_loader = "coopreview.followup.demo.load_demo"
    recommendation_panels = ["coopreview.followup.views.recommendation_panel"]
    list_actions = [
        "coopreview.followup.views.overview.list_link",
        "coopreview.followup.views.bulk.bulk_controls",
    ]

    def ready(self) -> None:
        """The dashboard's tallies follow every write of a recommendation, its access and its flags
        (core.derived); part writes refresh them through overall.overall_refresh."""
        from coopreview.core import derived
        from coopreview.followup import tallies

        derived.register(name="followup_tallies", changed=tallies.refresh, deleting=tallies.forget)
