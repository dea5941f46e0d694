"""Settings of the cooperation platform, read from Django settings with an environment fallback."""

import os

from django.conf import settings


def freshness_days() -> int:
    """Profile sections not verified for this many days are flagged (KNOWLEDGE_FRESHNESS_DAYS)."""
    value = getattr(settings, "KNOWLEDGE_FRESHNESS_DAYS", None)
    if value is None:
        value = os.environ.get("KNOWLEDGE_FRESHNESS_DAYS", "") or 365
    return int(value)


def upload_max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
