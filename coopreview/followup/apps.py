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
        from coopreview.core import derived
        from coopreview.followup import over_time

        # the "over time" deltas follow every write of a recommendation's layer and its deletion
        derived.register(
            name="followup.over_time",
            changed=over_time.recommendations_changed,
            deleting=over_time.recommendations_deleting,
        )
