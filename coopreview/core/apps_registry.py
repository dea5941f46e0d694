"""Extension points that apps declare on their AppConfig, so shared files never list them by hand.

Example, in an app's apps.py:

    class FollowupConfig(AppConfig):
        url_prefix = "followup/"  # include("coopreview.followup.urls") there
        nav_items = [("followup:dashboard", _("Dashboard"), None)]  # (url name, label, perm or None)
        demo_loader = "coopreview.followup.demo.load_demo"  # called by `coopreview demo`, in app order
        # callables (request, recommendation) -> HTML, shown on the recommendation page in app order
        recommendation_panels = ["coopreview.followup.views.recommendation_panel"]
        # callables (request) -> HTML, shown above the recommendation list (e.g. download buttons)
        list_actions = ["coopreview.reports.views.list_download_buttons"]
"""

from collections.abc import Callable, Iterator

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string


def _configs() -> Iterator[AppConfig]:
    for config in apps.get_app_configs():
        if config.name.startswith("coopreview."):
            yield config


def app_url_includes() -> list[tuple[str, str]]:
    return [(c.url_prefix, f"{c.name}.urls") for c in _configs() if getattr(c, "url_prefix", None)]


def nav_items() -> list[tuple[str, str, str | None]]:
    return [item for c in _configs() for item in getattr(c, "nav_items", [])]


def recommendation_panels() -> list[Callable[..., str]]:
    return [import_string(path) for c in _configs() for path in getattr(c, "recommendation_panels", [])]


def list_actions() -> list[Callable[..., str]]:
    return [import_string(path) for c in _configs() for path in getattr(c, "list_actions", [])]


def demo_loaders() -> list[Callable[[], object]]:
    return [import_string(c.demo_loader) for c in _configs() if getattr(c, "demo_loader", None)]
