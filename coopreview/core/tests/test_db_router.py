"""Where reads and writes go with read replicas configured (core/db_router.py). No replica is needed:
the router is asked directly, and the middleware is driven with RequestFactory requests."""

import runpy
import types
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory

from coopreview.config.production import replica_problem
from coopreview.core import db_router
from coopreview.core.db_router import (
    COOKIE,
    PrimaryReplicaRouter,
    ReadYourWritesMiddleware,
    use_primary,
)
from coopreview.recommendations.models import Recommendation

router = PrimaryReplicaRouter()
SETTINGS_FILE = Path(db_router.__file__).parents[1] / "config" / "settings.py"


@pytest.fixture(autouse=True)
def _fresh_routing_state(monkeypatch):
    """Each test starts in a context that has not written (the state lives as long as the thread)."""
    token = db_router._state.set(db_router._State())
    monkeypatch.setenv(db_router.PROCESS_ENV, "0")
    yield
    db_router._state.reset(token)


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    settings.REPLICA_STICKY_SECONDS = 10
    return settings


def test_without_replicas_everything_reads_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    assert router.db_for_read(Recommendation) == "default"


def test_reads_go_to_a_replica_until_the_context_writes(replicas):
    assert router.db_for_read(Recommendation) == "replica"
    assert router.db_for_read(User) == "replica"
    assert router.db_for_write(Recommendation) == "default"
    assert router.db_for_read(Recommendation) == "default"  # read-your-writes for the rest of it


def test_one_replica_per_context_when_there_are_several(settings):
    settings.DATABASE_REPLICAS = ["replica", "replica_2", "replica_3"]
    first = router.db_for_read(Recommendation)
    assert first in settings.DATABASE_REPLICAS
    assert {router.db_for_read(Recommendation) for _ in range(50)} == {first}


def test_session_writes_do_not_make_the_context_sticky_and_sessions_read_the_primary(replicas):
    assert router.db_for_write(Session) == "default"
    assert router.db_for_read(Recommendation) == "replica"
    assert router.db_for_read(Session) == "default"  # a session just created on another server


def test_security_state_reads_the_primary(replicas):
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_q.models import OrmQ

    for model in (AccessAttempt, TOTPDevice, OrmQ):
        assert router.db_for_read(model) == "default", model


def test_use_primary_pins_only_inside_the_block(replicas):
    with use_primary():
        with use_primary():
            assert router.db_for_read(Recommendation) == "default"
        assert router.db_for_read(Recommendation) == "default"
    assert router.db_for_read(Recommendation) == "replica"


def test_a_pinned_process_reads_the_primary(replicas, monkeypatch):
    db_router.pin_process_to_primary()  # what `coopreview worker` does
    assert router.db_for_read(Recommendation) == "default"
    monkeypatch.setenv(db_router.PROCESS_ENV, "0")
    assert router.db_for_read(Recommendation) == "replica"


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_read_the_primary(replicas):
    # pytest-django runs this test inside a transaction, as a service runs inside transaction.atomic
    assert router.db_for_read(Recommendation) == "default"


def test_migrations_never_run_on_a_replica(replicas):
    assert router.allow_migrate("replica", "recommendations") is False
    assert router.allow_migrate("default", "recommendations") is None


def test_relations_between_primary_and_replica_rows_are_allowed(replicas):
    on_replica, on_primary = Recommendation(), Recommendation()
    on_replica._state.db, on_primary._state.db = "replica", "default"
    assert router.allow_relation(on_replica, on_primary) is True
    elsewhere = Recommendation()
    elsewhere._state.db = "archive"
    assert router.allow_relation(elsewhere, on_primary) is None


def test_the_search_follower_reads_the_primary(replicas, monkeypatch):
    from coopreview.search import follower
    from coopreview.search.backends import tantivy_engine as engine

    seen = []

    def fake_follow(**kwargs):
        seen.append(router.db_for_read(Recommendation))
        return engine.FollowResult()

    monkeypatch.setattr(follower, "get_backend", lambda: engine.TantivyBackend())
    monkeypatch.setattr(engine, "follow", fake_follow)
    follower.search_follow_once(prune=False)
    assert seen == ["default"]
    assert router.db_for_read(Recommendation) == "replica"  # the pin ends with the step


# --- the middleware: read-your-writes across requests and servers ---------------------------------


def _serve(request, *, write: bool = False) -> tuple[HttpResponse, list[str]]:
    reads = []

    def view(request):
        if write:
            router.db_for_write(Recommendation)
        reads.append(router.db_for_read(Recommendation))
        return HttpResponse("ok")

    return ReadYourWritesMiddleware(view)(request), reads


def test_a_browser_that_wrote_reads_the_primary_for_the_sticky_seconds(replicas):
    factory = RequestFactory()
    response, reads = _serve(factory.get("/recommendations/"))
    assert reads == ["replica"] and COOKIE not in response.cookies

    response, reads = _serve(factory.post("/recommendations/1/edit/"), write=True)
    assert reads == ["default"]
    cookie = response.cookies[COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]

    # The next page, on any server (same SECRET_KEY): the primary, so the user sees their change.
    follow = factory.get("/recommendations/1/")
    follow.COOKIES[COOKIE] = cookie.value
    response, reads = _serve(follow)
    assert reads == ["default"]
    assert COOKIE not in response.cookies  # reading does not extend it
    # Someone else, at the same moment: the replica.
    assert _serve(factory.get("/recommendations/1/"))[1] == ["replica"]
    # The routing state belonged to the requests: this thread has not written.
    assert router.db_for_read(Recommendation) == "replica"


def test_a_post_that_wrote_nothing_sets_no_cookie(replicas):
    response, reads = _serve(RequestFactory().post("/recommendations/1/edit/"))
    assert reads == ["replica"] and COOKIE not in response.cookies


def test_a_forged_or_expired_cookie_is_ignored(replicas, monkeypatch):
    forged = RequestFactory().get("/")
    forged.COOKIES[COOKIE] = "1"
    assert _serve(forged)[1] == ["replica"]

    with monkeypatch.context() as patch:
        patch.setattr(signing, "time", types.SimpleNamespace(time=lambda: 1_000_000_000.0))  # in 2001
        old_cookie = signing.get_cookie_signer(salt=COOKIE + db_router._SALT).sign("1")
    expired = RequestFactory().get("/")
    expired.COOKIES[COOKIE] = old_cookie
    assert _serve(expired)[1] == ["replica"]


def test_admin_pages_read_the_primary(replicas):
    assert _serve(RequestFactory().get("/admin/recommendations/recommendation/"))[1] == ["default"]


# --- settings --------------------------------------------------------------------------------------


def _settings_with(monkeypatch, tmp_path, **env) -> dict:
    monkeypatch.setenv("COOPREVIEW_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_settings_without_replicas_add_no_router(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    values = _settings_with(monkeypatch, tmp_path, DATABASE_URL="postgres://app@db/coop")
    assert values["DATABASE_REPLICAS"] == []
    assert "DATABASE_ROUTERS" not in values
    assert "coopreview.core.db_router.ReadYourWritesMiddleware" not in values["MIDDLEWARE"]


def test_settings_with_several_replicas(monkeypatch, tmp_path):
    values = _settings_with(
        monkeypatch,
        tmp_path,
        DATABASE_URL="postgres://app@db/coop",
        DATABASE_REPLICA_URL="postgres://app@replica1/coop, postgres://app@replica2:5433/coop",
        REPLICA_STICKY_SECONDS="5",
    )
    assert values["DATABASE_REPLICAS"] == ["replica", "replica_2"]
    assert values["DATABASES"]["replica_2"]["HOST"] == "replica2"
    assert values["DATABASES"]["replica_2"]["PORT"] == 5433
    assert values["DATABASES"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert values["DATABASE_ROUTERS"] == ["coopreview.core.db_router.PrimaryReplicaRouter"]
    middleware = values["MIDDLEWARE"]
    position = middleware.index("coopreview.core.db_router.ReadYourWritesMiddleware")
    assert position < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert values["REPLICA_STICKY_SECONDS"] == 5
    assert replica_problem(types.SimpleNamespace(**values)) is None


def test_replicas_of_an_sqlite_database_are_refused(monkeypatch, tmp_path):
    values = _settings_with(
        monkeypatch, tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        DATABASE_REPLICA_URL="postgres://app@replica1/coop",
    )  # fmt: skip
    problem = replica_problem(types.SimpleNamespace(**values))
    assert problem and "DATABASE_REPLICA_URL" in problem and "PostgreSQL" in problem
