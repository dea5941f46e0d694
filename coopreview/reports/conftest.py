"""Fixtures of the reports: the seed annex loaded from the demo data, and file readers."""

import os
import shutil

import pytest

from coopreview.reports.builders import ReportOptions

SLOW_REASON = "converts with LibreOffice / renders with pdftoppm (a few seconds each)"


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", f"slow: {SLOW_REASON}")


@pytest.fixture
def seed(db, settings):
    """The co-facilitators' annex (17 recommendations of ICC-ASP/19/16), organisations and demo users."""
    from django.contrib.auth.models import User

    from coopreview.core.demo import demo_load
    from coopreview.recommendations.models import Recommendation

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 7 demo users: fast
    demo_load()
    return {
        "editor": User.objects.get(username="editor"),
        "recs": {r.reference: r for r in Recommendation.objects.all()},
    }


@pytest.fixture
def editor_options(seed):
    return lambda **kw: ReportOptions(user=seed["editor"], **kw)


def require_tool(name: str) -> str:
    """The path of a command-line tool; skips when absent outside CI, fails in CI (CI=true)."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed: `scripts/install --test` installs it (as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
