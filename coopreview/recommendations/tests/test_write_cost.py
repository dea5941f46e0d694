"""A create or an edit through the web form: a bounded number of queries and one search index update."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopreview.core.testing import client_for
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation, Theme
from coopreview.search.follower import search_follow_once
from coopreview.search.models import Kind, SearchChange, SearchEntry

TARGET = 15  # issue #17's target for a whole create or edit request: not met (see the xfail below)
# Measured, SQLite and PostgreSQL alike (bounds, so a change that adds queries fails here), the work
# run once the write commits included (the search index following its log, webhooks), as a server runs
# it inside the request. The form below sets all five relations.
# A create: 28 once the process holds its copies of organisations, themes and flags (31 before):
#   request: session, user, preferences, memberships (4); form: the source and the unique check (2);
#   transaction (2: BEGIN/COMMIT, a savepoint in tests); the row, 5 link inserts, the history row and
#   its 5 link history rows (12: one insert per table, the floor while each relation has its own link
#   table and history table); index: its old entries, the entries, the log (3); after commit: the
#   index follows the log (4: pruned mark, new and late log rows, the entries) and webhooks (1).
# An edit of it (themes and restrictions cleared): 28. Request (4); the row (1) and its links as ids,
#   one query for the five tables (1, the rows from the copies); source and unique check (2);
#   transaction (2); the row locked and checked for a newer save (1), its update (1), the links again
#   inside the transaction (1); no link insert, 2 deletes (only what changed); the history row and its
#   3 non-empty link history rows (4); the index replaces 2 entries (4: old ids, delete, insert, and
#   one log insert for the deletes and the puts); after commit (5, as a create).
# Before (without the work after commit): create 36, edit 43; 51/53 before the links were written in
# bulk. Gone: validation run a second time by the service (2) and the foreign key re-checked after
# the form fetched the source (1); the index's savepoint (2) and its re-read of addressees,
# restrictions and themes (3, built from the objects in memory); the form's choice lookups (5, the
# copies, core.reference); on an edit, 5 prefetches, 5 reads of the initial links and 5 of the
# current ones (15 → 2), a second follow of the index after commit and one of its two log inserts.
# Then +3 each for the dashboard's tallies (followup.tallies, issue #17), kept in the write's transaction:
#   the record's counted facts, old and new, read (1), the tallies moved by the difference (1) and the
#   facts stored (1); an edit that changes nothing the dashboard counts costs the read only.
# Derived figures (core.derived): followup.over_time looks up the recommendation's "over time" entry
# (1 on a create or an edit; none exists without follow-up parts, so nothing more): 29, 29.
MAX_CREATE_COLD, MAX_CREATE, MAX_EDIT = 35, 32, 32  # both of the above
MAX_NO_OP = 12  # an edit that changes nothing, measured on both databases (see its test)


@pytest.fixture(autouse=True)
def _index_built(db) -> None:
    """As on a server: the search index exists (a test's own index directory starts empty, and the
    first follow would build it)."""
    search_follow_once()


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


@pytest.fixture
def writes(django_capture_on_commit_callbacks):
    """POST(client, url, data) → the queries and the entries written to the index's change log. What runs
    once the write commits (the search index following its log, webhooks) is counted too: a test's
    transaction never commits, so those callbacks are run inside the count, as a server runs them
    inside the request."""

    def post(client, url: str, data: dict) -> tuple[int, list[str]]:
        before = SearchChange.objects.count()
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        errors = getattr(response, "context", None) and response.context["form"].errors
        assert response.status_code == 302, errors
        changes = list(SearchChange.objects.order_by("id").values_list("op", flat=True))[before:]
        return len(queries), changes

    return post


def test_create_through_the_form_is_cheap_and_indexes_once(editor, form_data, writes):
    client = client_for(editor)
    client.get(reverse("recommendations:create"))  # session and permission caches, as for a real editor
    url = reverse("recommendations:create")

    cold, _changes = writes(client, url, {**form_data, "reference": "11"})
    count, changes = writes(client, url, form_data)

    rec = Recommendation.objects.get(reference="12")
    entries = SearchEntry.objects.filter(kind=Kind.RECOMMENDATION, object_id=rec.pk)
    assert entries.count() == 2  # English and French
    assert changes == ["put", "put"], changes  # one index update: its two entries, written once
    assert cold <= MAX_CREATE_COLD, cold  # the first save of a process reads the three small tables
    assert count <= MAX_CREATE, count
    assert set(entries.values_list("visibility", flat=True)) == {"restricted"}
    assert entries.get(language="en").topics == "Torture"  # the document built from the form's objects
    assert rec.themes.count() == 1 and rec.restricted_to.count() == 1


def test_edit_through_the_form_is_cheap_and_indexes_once(editor, form_data, writes):
    client = client_for(editor)
    writes(client, reverse("recommendations:create"), form_data)
    rec = Recommendation.objects.get(reference="12")
    url = reverse("recommendations:edit", args=[rec.pk])
    client.get(url)
    edit = {**form_data, "text": "Prevent cruel treatment in detention.", "themes": []}
    edit["version"] = rec.updated_at
    edit["visibility"], edit["restricted_to"] = Visibility.PUBLIC, []

    count, changes = writes(client, url, edit)

    entries = SearchEntry.objects.filter(kind=Kind.RECOMMENDATION, object_id=rec.pk)
    assert changes.count("put") == 2 and changes.count("delete") == 2, changes  # replaced once
    assert count <= MAX_EDIT, count
    assert set(entries.values_list("visibility", flat=True)) == {"public"}
    assert "cruel" in entries.get(language="en").body
    assert entries.get(language="en").topics == ""  # themes cleared


def test_edit_that_changes_nothing_writes_nothing_and_costs_less(editor, form_data, writes):
    """The form posted back with its own values: compared with the row and links the edit reads anyway
    (core.edits), nothing written. Request (4), the row (1) and its links as ids (1), source and
    unique check (2), transaction (2), the row locked (1) and its links (1): 12, nothing after commit."""
    client = client_for(editor)
    writes(client, reverse("recommendations:create"), form_data)
    rec = Recommendation.objects.get(reference="12")
    url = reverse("recommendations:edit", args=[rec.pk])
    client.get(url)
    history = rec.history.count()

    count, changes = writes(client, url, {**form_data, "version": rec.updated_at})

    assert changes == [] and rec.history.count() == history
    assert Recommendation.objects.get(pk=rec.pk).updated_at == rec.updated_at
    assert count <= MAX_NO_OP, count


@pytest.mark.xfail(
    strict=True,
    reason="issue #17: ≤ 15 not reached: 12 inserts (the row, 5 link tables, their 5 history tables) "
    "and 4 per request (session, user, preferences, memberships) leave no room (see MAX_CREATE)",
)
def test_create_meets_the_issue_target(editor, form_data, writes):
    client = client_for(editor)
    client.get(reverse("recommendations:create"))
    url = reverse("recommendations:create")
    writes(client, url, {**form_data, "reference": "11"})

    count, _changes = writes(client, url, form_data)

    assert count <= TARGET, count
