"""The "several servers" section's figures in the schema, the summary, the targets and the scales report;
and the job queue's table in the summary."""

import copy

from bench import report, scales, schema


def _server(median: float, p95: float) -> dict:
    figures = {"median_ms": median, "p95_ms": p95, "max_ms": p95 + 5, "n": 10}
    return {"all": figures, "one_word": figures}


def _several(p95_b: float = 42.0, lag_p95: float = 900.0, timeouts: int = 0) -> dict:
    return {
        "workers_per_server": 3,
        "follow_interval_s": 1.0,
        "load_average_before": [1.0, 1.5, 2.0],
        "load_average_after": [2.0, 1.8, 1.7],
        "catch_up": {"seconds": 123.4, "cursor": 50, "log_head": 50, "listening_s": 2.1, "index_mb": 300.0},
        "search": {
            "queries": {"one_word": 10},
            "servers": {"A": _server(12.0, 30.0), "B": _server(13.0, p95_b)},
            "failure_total": 0,
            "failures": [],
            "differing_results_total": 0,
            "differing_results": [],
        },
        "propagation": {
            "edits": 20,
            "poll_ms": 20.0,
            "save_ms": {"median_ms": 80.0, "p95_ms": 120.0, "max_ms": 130.0, "n": 20},
            "lag_ms": {
                "A": {"median_ms": 25.0, "p95_ms": 40.0, "max_ms": 45.0, "n": 20},
                "B": {"median_ms": 600.0, "p95_ms": lag_p95, "max_ms": lag_p95 + 50, "n": 20 - timeouts},
            },
            "timeouts": timeouts,
            "timeout_s": 60.0,
        },
    }


def _multiserver_problems(several) -> list[str]:
    doc = {k: {} for k in ("rows", "search", "http", "memory_mb", "apps", "machine")}
    doc |= {"scale": "tiny", "db": "postgres", "multiserver": several}
    if several is None:
        del doc["multiserver"]
    return [p for p in schema.validate(doc) if "multiserver" in p]


def test_schema_takes_the_figures_or_an_error_and_nothing_less():
    assert _multiserver_problems(_several()) == []
    assert _multiserver_problems({"error": "RuntimeError('server B exited (1)')"}) == []
    assert _multiserver_problems(None) == ["missing multiserver (its figures, or the error that stopped it)"]
    assert _multiserver_problems({"error": ""}) == ["multiserver.error must say what failed"]
    broken = _several()
    del broken["search"]["servers"]["B"]["all"]["p95_ms"]
    del broken["propagation"]["lag_ms"]["B"]
    broken["catch_up"]["seconds"] = -1
    problems = _multiserver_problems(broken)
    assert "missing multiserver.search.servers.B.all.p95_ms" in problems
    assert "missing multiserver.propagation.lag_ms.B.p95_ms" in problems
    assert "multiserver.catch_up.seconds is not a non-negative number: -1" in problems


def test_summary_section_and_targets():
    text = "\n".join(report.several_servers(_several()))
    assert "## Several servers" in text and "**123.4 s**" in text
    assert "| B | one_word | 13.0 | 42.0 | 47.0 |" in text
    assert "| B | 600.0 | 900.0 | 950.0 | 20/20 |" in text
    assert "2.0, 1.8, 1.7 after" in text
    assert [t["met"] for t in report.targets_multiserver(_several())] == [True, True, True]
    missed = report.targets_multiserver(_several(p95_b=51.0, lag_p95=800.0, timeouts=1))
    assert [t["met"] for t in missed] == [False, True, False]
    assert missed[0]["value"] == "51.0 ms (server B)"
    failed = report.targets_multiserver({"error": "boom"})
    assert [t["met"] for t in failed] == [False] and "boom" in failed[0]["why"]
    assert "**Not measured**: boom" in "\n".join(report.several_servers({"error": "boom"}))
    assert report.targets_multiserver(None) == [] and report.several_servers(None) == []  # older files


def test_job_queue_table():
    broker = {
        "jobs": 100,
        "done": 100,
        "enqueue_per_second": 900.5,
        "seconds": 4.0,
        "jobs_per_second": 25.0,
        "steady_jobs_per_second": 40.2,
        "latency_median_s": 1.5,
        "latency_max_s": 3.9,
        "complete": True,
    }
    jobs = {"database": "postgresql", "workers": 2, "database_broker": broker, "redis_broker": "no Redis"}
    text = "\n".join(report.job_queue(jobs))
    assert "## Job queue" in text
    assert "| database | 100 | 100 | 900.5 | 25.0 | 40.2 | 1.5 | 3.9 |" in text
    assert "| Redis | no Redis |" in text
    assert report.job_queue({"error": "x"}) == [] and report.job_queue(None) == []


def test_scales_follow_the_multiserver_p95_and_show_a_failed_scale_as_a_gap():
    docs = []
    for rows, p95 in ((20_000, 20.0), (1_000_000, 45.0)):
        doc = {"db": "postgres", "rows": {"recommendations": rows}, "summary_file": f"{rows}.md"}
        doc["multiserver"] = _several(p95_b=p95)
        docs.append(doc)
    failed = copy.deepcopy(docs[0]) | {"multiserver": {"error": "boom"}}
    failed["rows"] = {"recommendations": 100_000}
    text = scales.markdown([*docs, failed])
    assert "## Several servers" in text
    row = next(line for line in text.splitlines() if line.startswith("| /search/ p95, server B |"))
    assert [c.strip() for c in row.split("|")][2:6] == ["20", "", "45", "2.25×"]
    assert scales.figures(docs[1])["several: catch-up of a new server (s)"] == 123.4
