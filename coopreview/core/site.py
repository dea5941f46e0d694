"""The address the platform is served on, for absolute links in e-mails and .ics invitations."""

import os

from django.conf import settings


def site_url_for_port(port: int) -> str:
    """SITE_URL if set, else this machine on `port`.

    Also put into the environment, so a server process started next (gunicorn) reads the same value."""
    url = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{port}").rstrip("/")
    os.environ["SITE_URL"] = url
    settings.SITE_URL = url
    return url
