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
        """The dashboard's tallies and "over time" deltas follow every write of a recommendation, its
        access and its flags (core.derived) and the deletion of a priority flag; part writes refresh
        them through overall.overall_refresh."""
        from django.db.models.signals import post_delete, pre_delete

        from coopreview.core import derived
        from coopreview.followup import over_time, tallies
        from coopreview.recommendations.models import PriorityFlag

        pre_delete.connect(tallies.flag_deleting, sender=PriorityFlag, dispatch_uid="followup_tallies_flag")
        post_delete.connect(tallies.flag_deleted, sender=PriorityFlag, dispatch_uid="followup_tallies_flag")
        derived.register(name="followup_tallies", changed=tallies.refresh, deleting=tallies.forget)
        derived.register(
            name="followup.over_time",
            changed=over_time.recommendations_changed,
            deleting=over_time.recommendations_deleting,
        )
