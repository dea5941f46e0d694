from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "coopreview.search"
    label = "search"
    verbose_name = _("Search")
    url_prefix = "search/"
    nav_items = [("search:search", _("Search"), None)]

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from coopreview.recommendations.models import Recommendation
        from coopreview.search import indexing

        post_save.connect(
            indexing.on_recommendation_saved, sender=Recommendation, dispatch_uid="search_rec_saved"
        )
        post_delete.connect(indexing.on_deleted, sender=Recommendation, dispatch_uid="search_rec_deleted")
        for field in ("restricted_to", "addressees", "themes"):
            m2m_changed.connect(
                indexing.on_recommendation_m2m_changed,
                sender=getattr(Recommendation, field).through,
                dispatch_uid=f"search_rec_{field}",
            )
        from coopreview.search.follower import maybe_start_in_web_process

        maybe_start_in_web_process()  # this server's index follows the change log (see follower.py)
