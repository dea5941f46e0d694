from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from coopreview.core.apps_registry import nav_items


def navigation(request: HttpRequest) -> dict:
    """Main navigation assembled from the apps' declared nav_items, filtered by permission."""
    items = []
    # A request refused before the authentication middleware (a Host not in ALLOWED_HOSTS) has no user:
    # its 400 page must still render, not fail into a 500.
    user = getattr(request, "user", None)
    for url_name, label, perm in nav_items():
        if perm and (user is None or not user.has_perm(perm)):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
