"""How people are shown to others: by name and organisation, never by sign-in name."""

from django.contrib.auth.models import User
from django.utils.translation import gettext


def user_display_name(user: User | None) -> str:
    """How a person is shown to others: "Full Name (Organisation)", never their sign-in name.

    Uses memberships prefetched as `memberships__organisation` when there are some (timelines and
    lists prefetch them), else one query, memoised on the user object."""
    if user is None:
        return "—"
    cached = getattr(user, "_coopreview_display", None)
    if cached is not None:
        return cached
    prefetched = getattr(user, "_prefetched_objects_cache", {}).get("memberships")
    if prefetched is not None:
        first = min(prefetched, key=lambda m: m.pk, default=None)
    else:
        first = user.memberships.select_related("organisation").order_by("pk").first()
    organisation = first.organisation.display_name if first else ""
    name = user.get_full_name().strip()
    if name and organisation:
        shown = f"{name} ({organisation})"
    else:
        shown = name or organisation or str(gettext("unnamed user"))
    user._coopreview_display = shown
    return shown
