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


def _backdate(instance, when) -> None:
    record = instance.history.order_by("-history_id").first()
    record.history_date = when
    record.save()


@pytest.fixture
def followup_seed(seed):
    """The seed with a follow-up: 274 (Assembly & Court) categorised 60 days ago, then in progress on the
    Court's side 10 days ago; 290 implemented 5 days ago. The recommendations date from 90 days ago."""
    from datetime import timedelta

    from django.utils import timezone

    from coopreview.accounts.models import Organisation
    from coopreview.core.history import save_with_history
    from coopreview.followup.enums import Category, Status
    from coopreview.followup.models import (
        Action,
        Categorisation,
        FollowupPart,
        ProgressUpdate,
        StakeholderView,
        Transition,
    )
    from coopreview.recommendations.models import Recommendation

    # `coopreview demo` now also loads the follow-up's demo content: start from a clean follow-up
    # (records and their history) so the dates and statuses below are the only ones.
    for model in (ProgressUpdate, Action, Transition, FollowupPart, StakeholderView, Categorisation):
        model.objects.all().delete()
        model.history.all().delete()
    now = timezone.now()
    editor = seed["editor"]
    recs = seed["recs"]
    Recommendation.objects.update(created_at=now - timedelta(days=90))
    for rec in recs.values():
        _backdate(rec, now - timedelta(days=90))
    icc, asp = Organisation.objects.get(code="ICC"), Organisation.objects.get(code="ASP")
    otp = Organisation.objects.get(code="OTP")

    def part(rec, org, status, days_ago, narrative="", lead=None):
        p = FollowupPart.objects.filter(recommendation=rec, addressee=org).first()
        p = p or FollowupPart(recommendation=rec, addressee=org, side=org.side, lead=lead or org)
        old = p.status if p.pk else Status.PROPOSED
        p.status, p.narrative = status, narrative
        save_with_history(p, by=editor, reason=f"to {status}")
        _backdate(p, now - timedelta(days=days_ago))
        t = Transition.objects.create(part=p, from_status=old, to_status=status, by=editor)
        Transition.objects.filter(pk=t.pk).update(at=now - timedelta(days=days_ago))
        return p

    cat = save_with_history(Categorisation(recommendation=recs["274"], category=Category.BOTH), by=editor)
    _backdate(cat, now - timedelta(days=60))
    part(recs["274"], icc, Status.CATEGORISED, 60, lead=otp)
    part(recs["274"], asp, Status.CATEGORISED, 60)
    part(recs["274"], icc, Status.IN_PROGRESS, 10, "Template requests shared with States Parties.", lead=otp)
    part(recs["290"], icc, Status.IMPLEMENTED, 5, "Special operations fund created.")
    view = save_with_history(
        StakeholderView(
            recommendation=recs["274"], organisation=otp, position="A uniform framework is not practical"
        ),
        by=editor,
    )
    _backdate(view, now - timedelta(days=20))
    return seed
