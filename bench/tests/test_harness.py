"""The harness end to end at a tiny scale: it must write a complete results document and a summary."""

import copy
import json
import os
import socket

import pytest

from bench import harness, schema


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# One test reads the tiny run, in three parts: the run takes two minutes, and pytest-xdist spread
# several tests of this module over its workers, each running it again.
@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the harness builds its own databases: it runs once, in the SQLite pass of the suite")
    out = tmp_path_factory.mktemp("bench")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COOPREVIEW_BENCH_PORT", str(_free_port()))
        mp.setenv("COOPREVIEW_BENCH_PEER_PORT", str(_free_port()))
        mp.setenv("COOPREVIEW_BENCH_SECOND_PORT", str(_free_port()))
        path = harness.run(scale="tiny", db="sqlite", out=out)
    return out, path


def test_tiny_run_writes_a_complete_document_and_summary_that_the_schema_checks(tiny_run):
    out, path = tiny_run
    _complete_results_document(path)
    _markdown_summary(out, path)
    _schema_rejects_incomplete_documents(path)


def _complete_results_document(path):
    doc = json.loads(path.read_text())
    assert schema.validate(doc) == []
    assert doc["scale"] == "tiny" and doc["db"] == "sqlite"
    assert doc["rows"]["recommendations"] == 1500
    # half of them followed up (a part each, with history): the follow-up pages have something to count
    assert doc["followup"]["parts"] == 750 and doc["followup"]["history rows"] >= 750
    assert doc["search"]["queries"] >= 200
    # Every engine answered every query, and they agree on how many recommendations match.
    assert doc["search"]["count_mismatch_total"] == 0
    assert doc["search"]["platform"]["n"] == doc["search"]["peer"]["n"] == doc["search"]["queries"]
    for endpoint in ("list_page", "search", "peer_search"):
        # On a loaded 2-core machine a 3-second level at 64 connections may complete nothing: that is a
        # measurement, not a harness fault. One connection must always get answers.
        assert doc["http"][endpoint][0]["requests"] > 0, endpoint
        assert doc["http"][endpoint][0]["errors"] == 0, endpoint
    assert doc["queries_per_page"]["constant"] is True
    # The headline: every published query, each persona, the platform's pages and Datasette over HTTP,
    # every request answered (members signed in: their pages answer 200, not a redirect to sign in).
    compare = doc["http"]["compare"]
    assert compare["failure_total"] == 0, compare["failures"]
    n = sum(compare["queries"].values())
    for persona in ("anonymous", "member", "restricted_member"):
        for endpoint in ("platform_search", "peer_search", "platform_list", "peer_list"):
            assert compare["personas"][persona]["all"][endpoint]["n"] == n
    for page in doc["http"]["pages"].values():
        assert set(page["status"].values()) == {200}, page
    for write in ("edit", "create"):
        assert doc["http"]["writes"][write]["status"] == 302, doc["http"]["writes"]
        assert doc["http"]["writes"][write]["index_updates"] >= 1
    assert doc["memory_mb"]["server"]["max_process_mb"] > 10
    # Several servers: the second one caught up from the change log, answers as the first, and finds
    # every edit made through the first.
    several = doc["multiserver"]
    assert "error" not in several, several
    assert several["catch_up"]["cursor"] >= several["catch_up"]["log_head"]
    assert several["search"]["failure_total"] == 0 and several["search"]["differing_results_total"] == 0
    assert several["propagation"]["timeouts"] == 0
    assert several["propagation"]["lag_ms"]["B"]["n"] == several["propagation"]["edits"] > 0
    # Every app offering benchmarks.py is run and reported (its figures, or the error it raised).
    assert set(doc["apps"]) == {name.rsplit(".", 1)[1] for name in harness.app_benchmarks()}


def _markdown_summary(out, path):
    summary = path.with_suffix(".md").read_text()
    assert "## Targets" in summary and "platform/floor" in summary
    assert "## Headline" in summary and "restricted_member" in summary
    assert "## Several servers" in summary and "on each of two servers" in summary
    assert "cores" in summary and "SQLite" in summary
    assert not (out / "LATEST.md").exists()  # tiny runs never replace the latest real summary


def _schema_rejects_incomplete_documents(path):
    doc = json.loads(path.read_text())
    broken = copy.deepcopy(doc)
    del broken["search"]["peer"]["p95_ms"]
    broken["http"]["search"] = broken["http"]["search"][:2]
    broken["memory_mb"] = {}
    problems = schema.validate(broken)
    assert "missing search.peer.p95_ms" in problems
    assert "http.search must hold the 1, 16 and 64 connection levels" in problems
    assert "memory_mb.server missing" in problems
    broken = copy.deepcopy(doc)
    del broken["http"]["compare"]["personas"]["member"]
    assert "http.compare.personas must hold anonymous, member and restricted_member" in schema.validate(
        broken
    )
