"""Reads from PostgreSQL streaming replicas, writes to the primary, and read-your-writes.

Installed only when DATABASE_REPLICA_URL names one or more replicas (settings.py adds the aliases
`replica`, `replica_2`, …, the router and the middleware). Without one nothing here runs.

Where a read goes, first rule that applies:
1. this process is pinned to the primary: job workers (a job must see the rows the request that queued
   it wrote a millisecond earlier, and reads what it writes);
2. this context is pinned: a request from a browser that wrote less than REPLICA_STICKY_SECONDS ago
   (a signed cookie, so the next page and the other servers show the user's own change), an admin page,
   the search follower thread, a `with use_primary():` block;
3. this context wrote (the rest of the request, or of the command, after its first write);
4. inside a transaction on the primary: services are atomic, what they read is what they decide on;
5. models whose stale copy is a security problem or breaks sign-in: sessions, sign-in throttling
   (django-axes), two-factor devices (a used code must stay used), the job queue;
6. otherwise one replica, chosen once per request (a page never mixes two replicas' positions).

Writes and migrations always go to the primary. Raw SQL on `django.db.connection` is the primary too.
"""

from __future__ import annotations

import contextvars
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

PROCESS_ENV = "COOPREVIEW_DB_PRIMARY_ONLY"  # inherited by the processes a worker forks or spawns
COOKIE = "coopreview_primary"
_SALT = "coopreview.core.db_router"
# Reads of these apps' models always go to the primary (rule 5).
PRIMARY_APPS = frozenset({"sessions", "axes", "otp_totp", "otp_static", "django_otp", "django_q"})
# Writes to these never make a browser sticky: the session is saved on every request (idle timeout).
NOT_A_WRITE_APPS = frozenset({"sessions"})


@dataclass
class _State:
    primary_until: float = 0.0  # time.time() before which reads go to the primary
    pinned: int = 0  # nesting depth of use_primary()
    wrote: bool = False
    replica: str | None = None


_state: contextvars.ContextVar[_State | None] = contextvars.ContextVar("db_router_state", default=None)


def _current() -> _State:
    state = _state.get()
    if state is None:  # a new thread or a command: a state of its own, kept for its lifetime
        state = _State()
        _state.set(state)
    return state


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def pin_process_to_primary() -> None:
    """Every read of this process (and the processes it starts) from the primary: job workers."""
    os.environ[PROCESS_ENV] = "1"


def pin_context_to_primary() -> None:
    """Every read of the current thread (or request) from the primary: the search follower."""
    _current().pinned += 1


@contextmanager
def use_primary() -> Iterator[None]:
    state = _current()
    state.pinned += 1
    try:
        yield
    finally:
        state.pinned -= 1


def reads_primary() -> bool:
    """Rules 1-4: whether the current context reads the primary whatever the model."""
    if os.environ.get(PROCESS_ENV) == "1":
        return True
    state = _current()
    if state.pinned or state.wrote or time.time() < state.primary_until:
        return True
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        aliases = replicas()
        if not aliases or model._meta.app_label in PRIMARY_APPS or reads_primary():
            return DEFAULT_DB_ALIAS
        state = _current()
        if state.replica not in aliases:
            state.replica = random.choice(aliases)  # noqa: S311 — spreading load, not a secret
        return state.replica

    def db_for_write(self, model, **hints) -> str:
        if model._meta.app_label not in NOT_A_WRITE_APPS:
            _current().wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        same_data = {DEFAULT_DB_ALIAS, *replicas()}
        return True if {obj1._state.db, obj2._state.db} <= same_data else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool | None:
        return False if db in replicas() else None  # a replica follows the primary's schema by itself


class ReadYourWritesMiddleware:
    """A fresh routing state for each request; after a request that wrote, a signed cookie sends that
    browser's reads to the primary for REPLICA_STICKY_SECONDS, on whichever server serves it. Signed,
    so a client cannot pin itself to the primary for good. Admin pages always read the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sticky = settings.REPLICA_STICKY_SECONDS
        state = _State()
        if request.get_signed_cookie(COOKIE, default=None, salt=_SALT, max_age=sticky) is not None:
            state.primary_until = time.time() + sticky
        if request.path.startswith("/admin/"):
            state.pinned = 1
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote:
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=_SALT,
                max_age=sticky,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
