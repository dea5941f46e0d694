"""A create or an edit through the web form: a bounded number of queries and one search index update."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopreview.core.testing import client_for
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation, Theme
from coopreview.search.models import Kind, SearchChange, SearchEntry

TARGET = 15  # issue #17's target for a whole create or edit request: not met yet (see the xfail below)
# Measured (a bound, so a change that adds queries fails here): 51/53 before the links were written in
# bulk (core.history_links) and their history rows copied from them instead of read back (−15/−10).
# Left of a create's 36: session, user, preferences, memberships (4); the form's six choice lookups;
# validation twice, form then service (2+2); the row, 5 link inserts, the history row and its 5 link
# rows (12); savepoints (4); the index document re-reading addressees and themes (3) and its 3 writes.
MAX_CREATE, MAX_EDIT = 36, 43


@pytest.fixture
def form_data(orgs, source) -> dict:
    flag = PriorityFlag.objects.create(name="Facilitation priority", colour="#F4B183", owner=orgs["FAC-COOP"])
    theme = Theme.objects.create(slug="torture", name="Torture")
    return {
        "source": source.pk,
        "reference": "12",
        "text": "Prevent inhumane treatment in detention.",
        "text_fr": "Prévenir les traitements inhumains en détention.",
        "addressees": [orgs["ICC"].pk, orgs["ASP"].pk],
        "recommended_by": [orgs["RM"].pk],
        "response": "",
        "priority_flags": [flag.pk],
        "themes": [theme.pk],
        "visibility": Visibility.RESTRICTED,
        "restricted_to": [orgs["OTP"].pk],
        "page": "",
        "reason": "typed in",
    }


def _writes(client, url: str, data: dict) -> tuple[int, list[str]]:
    """POST `data`; returns the queries and the entries written to the index's change log."""
    before = SearchChange.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    changes = list(SearchChange.objects.order_by("id").values_list("op", flat=True))[before:]
    return len(queries), changes


def test_create_through_the_form_is_cheap_and_indexes_once(editor, form_data):
    client = client_for(editor)
    client.get(reverse("recommendations:create"))  # session and permission caches, as for a real editor

    count, changes = _writes(client, reverse("recommendations:create"), form_data)

    rec = Recommendation.objects.get(reference="12")
    entries = SearchEntry.objects.filter(kind=Kind.RECOMMENDATION, object_id=rec.pk)
    assert entries.count() == 2  # English and French
    assert changes == ["put", "put"], changes  # one index update: its two entries, written once
    assert count <= MAX_CREATE, count
    assert set(entries.values_list("visibility", flat=True)) == {"restricted"}
    assert rec.themes.count() == 1 and rec.restricted_to.count() == 1


def test_edit_through_the_form_is_cheap_and_indexes_once(editor, form_data):
    client = client_for(editor)
    client.post(reverse("recommendations:create"), form_data)
    rec = Recommendation.objects.get(reference="12")
    url = reverse("recommendations:edit", args=[rec.pk])
    client.get(url)
    edit = {**form_data, "text": "Prevent cruel treatment in detention.", "themes": []}
    edit["version"] = rec.updated_at
    edit["visibility"], edit["restricted_to"] = Visibility.PUBLIC, []

    count, changes = _writes(client, url, edit)

    entries = SearchEntry.objects.filter(kind=Kind.RECOMMENDATION, object_id=rec.pk)
    assert changes.count("put") == 2 and changes.count("delete") == 2, changes  # replaced once
    assert count <= MAX_EDIT, count
    assert set(entries.values_list("visibility", flat=True)) == {"public"}
    assert "cruel" in entries.get(language="en").body


@pytest.mark.xfail(
    strict=True, reason="issue #17: ≤ 15 not reached: 5 relations, each with a history table (10 inserts)"
)
def test_create_meets_the_issue_target(editor, form_data):
    client = client_for(editor)
    client.get(reverse("recommendations:create"))

    count, _changes = _writes(client, reverse("recommendations:create"), form_data)

    assert count <= TARGET, count
