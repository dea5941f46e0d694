from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "coopreview.recommendations"
    label = "recommendations"
    verbose_name = _("Recommendations")
    url_prefix = "recommendations/"
    nav_items = [("recommendations:list", _("Recommendations"), None)]

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from coopreview.recommendations.models import PriorityFlag, Theme
        from coopreview.recommendations.selectors import FLAGS, THEMES

        # Any write of a theme or flag, whichever service, command or admin page made it.
        for model, rows in ((Theme, THEMES), (PriorityFlag, FLAGS)):

            def changed(sender, rows=rows, **kwargs) -> None:
                rows.invalidate()  # now for this process, and once others can read the change
                transaction.on_commit(rows.invalidate)

            for signal, what in ((post_save, "saved"), (post_delete, "deleted")):
                uid = f"recommendations_{model._meta.model_name}_rows_{what}"
                signal.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        self._connect_derived()

    def _connect_derived(self) -> None:
        """Derived figures (core.derived) follow every write of a recommendation, its access layer
        (restricted_to) and its priority flags: the links the dashboard's figures read."""
        from django.db.models.signals import m2m_changed, post_save, pre_delete

        from coopreview.core import derived
        from coopreview.recommendations.models import Recommendation

        post_save.connect(
            derived.on_recommendation_saved, sender=Recommendation, dispatch_uid="derived_saved"
        )
        pre_delete.connect(
            derived.on_recommendation_deleting, sender=Recommendation, dispatch_uid="derived_deleting"
        )
        for field in ("restricted_to", "priority_flags"):
            m2m_changed.connect(
                derived.on_recommendation_links_changed,
                sender=getattr(Recommendation, field).through,
                dispatch_uid=f"derived_{field}",
            )
