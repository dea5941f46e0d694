"""Work done once per record at the end of a write, however many signals the write sent.

A save with many-to-many fields sends post_save and one m2m_changed per field; a receiver that
rebuilds derived data (the search index) would run for each. Inside `coalesced()`, such a receiver
calls `defer(key, work)` instead: the work of each key runs once, when the block ends (still inside
the caller's transaction, so derived data commits with the write or not at all).
"""

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

_state = threading.local()


@contextmanager
def coalesced() -> Iterator[None]:
    pending = getattr(_state, "pending", None)
    if pending is not None:  # nested: the outermost block runs the work
        yield
        return
    _state.pending = pending = {}
    try:
        yield
    finally:
        _state.pending = None
    while pending:  # work may defer more work (none does today): run until none is left
        _key, work = pending.popitem()
        work()


def defer(key: Hashable, work: Callable[[], None]) -> bool:
    """Run `work` at the end of the current coalesced() block (once per key, the latest work kept);
    False, doing nothing, outside such a block: the caller does the work now."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        return False
    pending[key] = work
    return True
