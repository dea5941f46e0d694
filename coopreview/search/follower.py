"""Keeping this server's search index in step with the database's change log.

search_follow_once() is one step (a plain function, so a job queue can schedule it); the loop runs in
a daemon thread of every web process started by `coopreview serve` (and `demo`), or on its own with
`coopreview search_index --follow`. Several processes may follow the same directory: they take turns
through the index's writer lock. With SEARCH_BACKEND=sql there is nothing to follow.
"""

import logging
import os
import threading
import time

from django.db import close_old_connections, connection

from coopreview.core.db_router import use_primary
from coopreview.search.backends import get_backend
from coopreview.search.backends import tantivy_engine as engine

log = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 600.0
THREAD_ENV = "COOPREVIEW_SEARCH_FOLLOWER"  # set by `serve`: start the follower thread in each worker


def search_follow_once(*, lock_timeout: float = 2.0, prune: bool | None = None) -> engine.FollowResult | None:
    """Apply the change log past this directory's cursor (rebuilding when it has no index or fell
    behind the pruned log), report the cursor, and prune the log now and then. None: no index to follow."""
    if not isinstance(get_backend(), engine.TantivyBackend):
        return None
    # With read replicas: the log and the rows it names are read on the primary. A replica a moment
    # behind would give the old text for an id past the cursor, and the index would keep it.
    with use_primary():
        return _follow_once(lock_timeout=lock_timeout, prune=prune)


def _follow_once(*, lock_timeout: float, prune: bool | None) -> engine.FollowResult:
    result = engine.follow(lock_timeout=lock_timeout)
    if result.cursor is not None:
        engine.register_follower(result.cursor)
    now = time.monotonic()
    if prune or (prune is None and now - engine._last_prune["at"] >= PRUNE_EVERY_SECONDS):
        engine._last_prune["at"] = now
        engine.prune_log()
    return result


def follow_forever(*, interval: float = 1.0, stop: threading.Event | None = None, delay: float = 0.0) -> None:
    """Follow until `stop` is set; an error is logged and the next step tries again."""
    stop = stop or threading.Event()
    stop.wait(delay)
    while not stop.is_set():
        try:
            result = search_follow_once()
            if result and result.applied:
                log.info(
                    "search index: %s changes applied, cursor %s%s",
                    result.applied,
                    result.cursor,
                    " (rebuilt)" if result.rebuilt else "",
                )
        except Exception:
            log.exception("search index follower step failed; retrying")
        finally:
            close_old_connections()
            connection.close()  # this thread's own connection: never held between steps
        stop.wait(interval)


def start_follower_thread(*, interval: float = 1.0) -> threading.Thread:
    thread = threading.Thread(
        target=follow_forever,
        kwargs={"interval": interval, "delay": interval},  # after the process finished starting
        name="search-follower",
        daemon=True,  # never keeps a stopping worker alive (gunicorn would wait its graceful timeout)
    )
    thread.start()
    return thread


def maybe_start_in_web_process() -> threading.Thread | None:
    """Called in SearchConfig.ready: only in processes `serve` started (the variable is inherited)."""
    if os.environ.get(THREAD_ENV) != "1":
        return None
    return start_follower_thread(interval=float(os.environ.get("SEARCH_FOLLOW_INTERVAL", "1")))
