import pytest

# The knowledge fixtures (one entry per access layer of each kind) serve the search tests too.
from coopreview.knowledge.conftest import _media_root, knowledge_data  # noqa: F401


@pytest.fixture(autouse=True, params=["tantivy", "sql"])
def search_engine(request, settings, monkeypatch) -> str:
    """Every search test runs on both engines: tantivy (the default) and the database's own index.

    Searches never apply the change log, and inside a test's transaction no commit callback runs: for
    tantivy, one follower step (what the follower thread does on a server) precedes each search here.
    test_tantivy_engine.py, which tests that searches write nothing, does without it."""
    settings.SEARCH_BACKEND = "" if request.param == "tantivy" else "sql"
    if request.param == "tantivy":
        from coopreview.search.backends.tantivy_engine import TantivyBackend
        from coopreview.search.follower import search_follow_once

        search = TantivyBackend._search

        def followed(self, *args, **kwargs):
            search_follow_once(prune=False)
            return search(self, *args, **kwargs)

        monkeypatch.setattr(TantivyBackend, "_search", followed)
    return request.param
