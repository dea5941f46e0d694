# The knowledge fixtures (one entry per access layer of each kind) serve the search tests too.
from coopreview.knowledge.conftest import _media_root, knowledge_data  # noqa: F401
