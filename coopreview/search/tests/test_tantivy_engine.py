"""The tantivy engine's own promises: the queue keeps it in step, rebuilds switch generations,
facets beyond the exact limit are sampled and say so."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from coopreview.knowledge import services as knowledge_services
from coopreview.search.backends import tantivy_engine
from coopreview.search.models import SearchPending
from coopreview.search.selectors import search


@pytest.fixture(autouse=True)
def search_engine(settings) -> str:
    """Overrides the package's two-engine parametrisation: these tests are about tantivy only."""
    settings.SEARCH_BACKEND = ""
    return "tantivy"


def _total(query: str) -> int:
    return search(query=query, user=AnonymousUser(), filters={}).total


def test_writes_are_queued_in_the_transaction_and_applied_by_the_next_search(db):
    knowledge_services.practice_create(by=None, title="Pangolin practice")

    assert SearchPending.objects.count() >= 1  # the commit callback does not run inside a test
    assert _total("pangolin") == 1
    assert SearchPending.objects.count() == 0


def test_a_crash_before_indexing_loses_nothing(db):
    """Rows queued but never applied (the process died after the commit) are applied by the next
    search in any process: here, a fresh open of the index."""
    knowledge_services.practice_create(by=None, title="Okapi practice")
    tantivy_engine._opened.clear()
    tantivy_engine._state.update(dirty=False, checked=0.0)  # as a process that queued nothing itself

    assert _total("okapi") == 1


def test_applying_twice_gives_the_same_index(db):
    practice = knowledge_services.practice_create(by=None, title="Tapir practice")
    ids = list(SearchPending.objects.values_list("entry_id", flat=True))
    tantivy_engine.sync()
    SearchPending.objects.bulk_create([SearchPending(entry_id=i) for i in ids])  # replayed

    assert _total("tapir") == 1
    knowledge_services.practice_update(practice=practice, by=None, title="Capybara practice")
    assert (_total("tapir"), _total("capybara")) == (0, 1)


def test_deleted_entries_leave_the_index(db, editor, leak_data):
    from coopreview.recommendations import services as rec_services

    rec = leak_data["public"]
    rec_services.recommendation_update(recommendation=rec, by=editor, text="About quoll agreements.")
    assert _total("quoll") == 1

    rec.delete()

    assert _total("quoll") == 0


def test_rebuild_writes_a_new_generation_and_removes_the_old(db, settings):
    knowledge_services.practice_create(by=None, title="Numbat practice")
    assert _total("numbat") == 1
    root = tantivy_engine.index_dir()
    before = (root / "CURRENT").read_text()

    call_command("search_index", "--rebuild", verbosity=0)

    after = (root / "CURRENT").read_text()
    assert after != before
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [after]
    assert _total("numbat") == 1


def test_facets_beyond_the_exact_limit_are_sampled_and_marked(db, monkeypatch):
    for i in range(40):
        knowledge_services.practice_create(by=None, title=f"Wombat practice {i}", measure="arrest")
    exact = search(query="wombat", user=AnonymousUser(), filters={})
    assert not exact.facets_approximate
    assert {v.value: v.count for v in exact.facets["kind"]} == {"practice": 40}

    monkeypatch.setattr(tantivy_engine, "FACET_EXACT", 10)
    sampled = search(query="wombat", user=AnonymousUser(), filters={})

    assert sampled.facets_approximate
    assert sampled.total == 40  # the count itself stays exact
    kind = {v.value: v.count for v in sampled.facets["kind"]}
    assert 0 < kind.get("practice", 0) <= 64 * 40  # scaled from a sample, never claimed exact


def test_command_reports_the_queue_and_applies_it(db):
    from io import StringIO

    knowledge_services.practice_create(by=None, title="Aardvark practice")
    out = StringIO()
    call_command("search_index", stdout=out)
    assert "changes queued" in out.getvalue() and " 0 changes" not in out.getvalue()

    out = StringIO()
    call_command("search_index", "--sync", stdout=out)

    assert SearchPending.objects.count() == 0
    assert "queued changes applied" in out.getvalue()
    assert _total("aardvark") == 1


def test_a_rebuild_writes_the_database_index_for_switching_engines(db, settings):
    """Edits under tantivy leave the database's index alone (see the engine's docstring); a rebuild
    writes it, so SEARCH_BACKEND=sql finds the same entries afterwards."""
    knowledge_services.practice_create(by=None, title="Platypus practice")
    settings.SEARCH_BACKEND = "sql"
    assert _total("platypus") == 0

    settings.SEARCH_BACKEND = ""
    call_command("search_index", "--rebuild", verbosity=0)
    settings.SEARCH_BACKEND = "sql"

    assert _total("platypus") == 1
