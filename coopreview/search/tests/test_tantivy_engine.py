"""The tantivy engine's own promises: each index directory (one per server) follows the database's
change log with its own cursor, searches never write, rebuilds switch generations without blocking
saves or searches, facets beyond the exact limit are sampled and say so."""

import logging
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopreview.knowledge import services as knowledge_services
from coopreview.search.backends import tantivy_engine
from coopreview.search.follower import search_follow_once
from coopreview.search.models import SearchChange, SearchFollower, SearchPrune
from coopreview.search.selectors import search

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture(autouse=True)
def search_engine(settings) -> str:
    """Overrides the package's two-engine parametrisation: these tests are about tantivy only."""
    settings.SEARCH_BACKEND = ""
    return "tantivy"


@pytest.fixture
def servers(settings, tmp_path):
    """Two index directories following the same database, as on two application servers: `use(name)`
    makes this process act as that server."""
    dirs = {"a": tmp_path / "server-a", "b": tmp_path / "server-b"}

    def use(name: str) -> None:
        settings.SEARCH_INDEX_DIR = dirs[name]

    for name in dirs:
        use(name)
        search_follow_once(prune=False)  # each builds its (empty) index and registers its cursor
    return use


def _total(query: str) -> int:
    return search(query=query, user=AnonymousUser(), filters={}).total


def test_a_change_written_through_one_server_is_found_on_the_other_after_one_step(db, servers):
    servers("a")
    knowledge_services.practice_create(by=None, title="Pangolin practice")
    assert SearchChange.objects.count() >= 1  # logged in the saving transaction
    search_follow_once(prune=False)
    assert _total("pangolin") == 1

    servers("b")
    assert _total("pangolin") == 0  # a lagging index answers with what it has
    search_follow_once(prune=False)

    assert _total("pangolin") == 1
    assert SearchChange.objects.count() >= 1  # applying consumes nothing


def test_pruning_keeps_what_another_server_has_not_applied(db, servers, settings):
    settings.SEARCH_LOG_LOOKBACK_SECONDS = 0
    servers("a")
    knowledge_services.practice_create(by=None, title="Okapi practice")
    search_follow_once(prune=True)  # a applies and prunes: b has not applied yet
    assert SearchChange.objects.count() >= 1
    assert _total("okapi") == 1

    servers("b")
    search_follow_once(prune=True)  # b applies, then every follower is past the rows

    assert _total("okapi") == 1
    assert SearchChange.objects.count() == 0
    assert SearchPrune.objects.get().through > 0
    assert set(SearchFollower.objects.values_list("cursor", flat=True)) == {SearchPrune.objects.get().through}


def test_a_follower_older_than_the_retained_log_rebuilds_itself(db, servers, settings, caplog):
    settings.SEARCH_LOG_LOOKBACK_SECONDS = 0
    servers("b")
    knowledge_services.practice_create(by=None, title="Quoll practice")
    # b stopped following a long time ago: its registration expired and the log moved on without it.
    SearchChange.objects.update(created_at=timezone.now() - timedelta(days=30))
    SearchFollower.objects.update(seen_at=timezone.now() - timedelta(days=30))
    servers("a")
    search_follow_once(prune=True)
    assert SearchChange.objects.count() == 0

    servers("b")
    with caplog.at_level(logging.WARNING, logger="coopreview.search.backends.tantivy_engine"):
        result = search_follow_once(prune=False)

    assert result.rebuilt
    assert "older than the oldest retained change" in caplog.text
    assert _total("quoll") == 1


def test_a_killed_follower_reapplies_idempotently(db, servers, monkeypatch):
    servers("a")
    practice = knowledge_services.practice_create(by=None, title="Tapir practice")
    root = tantivy_engine.index_dir()
    generation = tantivy_engine._current_generation(root)
    before = tantivy_engine.read_cursor(root, generation)
    # Killed between the index commit and saving its cursor: the cursor is not advanced.
    monkeypatch.setattr(tantivy_engine, "_write_cursor", lambda *args: None)
    tantivy_engine._recent.clear()
    search_follow_once(prune=False)
    assert tantivy_engine.read_cursor(root, generation) == before
    monkeypatch.undo()
    tantivy_engine._recent.clear()  # a new process: it remembers nothing it applied
    settings_dir = root

    result = search_follow_once(prune=False)

    assert result.applied >= 1 and result.cursor > before
    opened = tantivy_engine._open(settings_dir)
    assert tantivy_engine._searcher(opened, settings_dir).num_docs == 1  # applied twice, indexed once
    assert _total("tapir") == 1
    knowledge_services.practice_update(practice=practice, by=None, title="Capybara practice")
    search_follow_once(prune=False)
    assert (_total("tapir"), _total("capybara")) == (0, 1)


def test_searches_never_write_and_never_wait_for_the_writer_lock(db, servers):
    servers("a")
    knowledge_services.practice_create(by=None, title="Numbat practice")
    search_follow_once(prune=False)
    knowledge_services.practice_create(by=None, title="Numbat practice two")  # logged, not applied
    root = tantivy_engine.index_dir()

    with tantivy_engine._locked(root, timeout=0):  # another process is writing the index
        started = time.monotonic()
        with CaptureQueriesContext(connection) as ctx:
            results = search(query="numbat", user=AnonymousUser(), filters={})
        elapsed = time.monotonic() - started

    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert results.total == 1  # what the index has; the second practice waits for the follower
    assert elapsed < 1.0


def test_the_writer_applies_its_own_change_after_commit(db, servers, django_capture_on_commit_callbacks):
    servers("a")
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_services.practice_create(by=None, title="Aardvark practice")

    assert _total("aardvark") == 1


def test_a_save_and_a_search_during_a_rebuild_succeed_promptly(
    db, servers, django_capture_on_commit_callbacks
):
    """A rebuild (in another process: the follower or `search_index --rebuild`) holds the rebuild lock
    and a writer on its new generation; saves and searches on this server go on meanwhile."""
    servers("a")
    knowledge_services.practice_create(by=None, title="Wombat practice")
    search_follow_once(prune=False)
    root = tantivy_engine.index_dir()

    with tantivy_engine._locked(root, timeout=0, name=".rebuild.lock"):
        generation, index = tantivy_engine._create_generation(root)
        writer = index.writer(heap_size=tantivy_engine.WRITER_HEAP, num_threads=1)
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            knowledge_services.practice_create(by=None, title="Platypus practice")
        saved = time.monotonic() - started
        started = time.monotonic()
        found = (_total("wombat"), _total("platypus"))
        searched = time.monotonic() - started
        writer.rollback()
        del writer, index

    assert saved < 2.0 and searched < 2.0
    assert found == (1, 1)  # the current generation, written by the save's commit callback
    tantivy_engine.rebuild_from_database()  # another rebuild: waits for none, switches
    search_follow_once(prune=False)
    assert (_total("wombat"), _total("platypus")) == (1, 1)


def test_rebuild_writes_a_new_generation_and_removes_the_old(db, servers):
    servers("a")
    knowledge_services.practice_create(by=None, title="Numbat practice")
    search_follow_once(prune=False)
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
    search_follow_once()
    exact = search(query="wombat", user=AnonymousUser(), filters={})
    assert not exact.facets_approximate
    assert {v.value: v.count for v in exact.facets["kind"]} == {"practice": 40}

    monkeypatch.setattr(tantivy_engine, "FACET_EXACT", 10)
    sampled = search(query="wombat", user=AnonymousUser(), filters={})

    assert sampled.facets_approximate
    assert sampled.total == 40  # the count itself stays exact
    kind = {v.value: v.count for v in sampled.facets["kind"]}
    assert 0 < kind.get("practice", 0) <= 64 * 40  # scaled from a sample, never claimed exact


def test_command_reports_the_cursor_and_applies_the_log(db, servers):
    servers("a")
    knowledge_services.practice_create(by=None, title="Aardvark practice")
    out = StringIO()
    call_command("search_index", stdout=out)
    assert "changes to apply" in out.getvalue() and " 0 changes to apply" not in out.getvalue()

    out = StringIO()
    call_command("search_index", "--sync", stdout=out)

    assert "logged changes applied" in out.getvalue()
    assert _total("aardvark") == 1
    out = StringIO()
    call_command("search_index", stdout=out)
    assert " 0 changes to apply" in out.getvalue()


def test_a_search_without_any_index_finds_nothing_and_builds_nothing(db, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "none"
    knowledge_services.practice_create(by=None, title="Dugong practice")

    assert _total("dugong") == 0
    assert not (tmp_path / "none").exists()


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
