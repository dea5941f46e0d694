"""Pages that summarise the whole corpus run the same number of queries at 10 and at 60 records, for
the public, a member and a member of the organisation a record is restricted to."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopreview.core.testing import client_for
from coopreview.followup.tests.corpus import build
from coopreview.search.backends.tantivy_engine import TantivyBackend
from coopreview.search.follower import search_follow_once

TODAY = datetime.date.today()
PAGES = {
    "dashboard": lambda c: reverse("followup:dashboard"),
    "dashboard_as_of": lambda c: reverse("followup:dashboard") + f"?as_of={TODAY}",
    "dashboard_search": lambda c: reverse("followup:dashboard") + "?q=witness",
    "schedule": lambda c: reverse("followup:schedule"),
    "changes": lambda c: reverse("followup:changes"),
    "changes_page2": lambda c: reverse("followup:changes") + "?page=2",
    "changes_dated_page2": lambda c: (
        reverse("followup:changes") + f"?start={TODAY - datetime.timedelta(days=30)}&end={TODAY}&page=2"
    ),
    "implementation": lambda c: reverse("lineage:implementation", args=[c["old"].pk]),
}


def _counts(request, persona: str | None, corpus, monkeypatch) -> dict[str, int]:
    client = client_for(request.getfixturevalue(persona) if persona else None)
    counts = {}
    # The search index follows the change log first (a server's follower thread does, not the page).
    search_follow_once(prune=False)
    with monkeypatch.context() as patch:
        patch.setattr(TantivyBackend, "_search", TantivyBackend._search.__wrapped__)
        for name, url in PAGES.items():
            client.get(url(corpus))  # warm: sessions, caches
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url(corpus))
            assert response.status_code == 200, (name, response.status_code)
            counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("persona", [None, "observer", "court_focal_point"])
def test_summary_pages_run_a_constant_number_of_queries(
    request, orgs, editor, court_focal_point, persona, monkeypatch
):
    small = build(n=10, orgs=orgs, editor=editor, court=court_focal_point)
    at_10 = _counts(request, persona, small, monkeypatch)
    for model in ("recommendations.Recommendation", "recommendations.Source"):
        from django.apps import apps

        apps.get_model(model).objects.all().delete()
    large = build(n=60, orgs=orgs, editor=editor, court=court_focal_point)
    at_60 = _counts(request, persona, large, monkeypatch)

    assert at_60 == at_10
    assert at_10["dashboard"] < 50 and at_10["changes"] < 50
