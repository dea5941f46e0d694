from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from coopreview.core.apps_registry import nav_items


def navigation(request: HttpRequest) -> dict:
    """Main navigation assembled from the apps' declared nav_items, filtered by permission."""
    items = []
    for url_name, label, perm in nav_items():
        if perm and not request.user.has_perm(perm):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
