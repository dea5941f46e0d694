from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "coopreview.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
    url_prefix = "jobs/"
    nav_items = [("jobs:list", _("Jobs"), "jobs.view_own_jobs")]

    def ready(self) -> None:
        from coopreview.jobs import handlers  # noqa: F401  (registers the job kinds)
