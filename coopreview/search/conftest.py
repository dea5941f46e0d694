import pytest

# The knowledge fixtures (one entry per access layer of each kind) serve the search tests too.
from coopreview.knowledge.conftest import _media_root, knowledge_data  # noqa: F401


@pytest.fixture(autouse=True, params=["tantivy", "sql"])
def search_engine(request, settings) -> str:
    """Every search test runs on both engines: tantivy (the default) and the database's own index."""
    settings.SEARCH_BACKEND = "" if request.param == "tantivy" else "sql"
    return request.param
