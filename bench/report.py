"""Machine information, target verdicts and the Markdown summary of one run."""

import os
import platform
import sqlite3
import subprocess
from pathlib import Path

import psycopg

SHARED_NOTE = os.environ.get(
    "BENCH_MACHINE_NOTE",
    "Other work may have shared the cores during the run (see the load average): absolute figures are "
    "then noisy; ratios are measured in one run, interleaved per query.",
)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603, S607


def git_commit() -> str:
    """The commit measured (with "+changes" when the work tree differs), so runs can be compared."""
    try:
        head = _git("rev-parse", "--short", "HEAD")
        # The results themselves do not count: a run rewrites LATEST.md, which would mark the next run.
        dirty = _git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def machine_info() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(
        next(x for x in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in x).split()[1]
    )
    try:
        url = os.environ.get("COOPREVIEW_BENCH_PG", "postgres://postgres@127.0.0.1:5432") + "/postgres"
        with psycopg.connect(url, connect_timeout=3) as conn:
            pg = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        pg = "unavailable"
    try:
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]  # noqa: S607
    except OSError:
        wrk = "unavailable"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
        "wrk": wrk.strip(),
        "load_average_at_end": list(os.getloadavg()),
        "shared": SHARED_NOTE,
    }


def _level(levels: list[dict] | None, connections: int) -> dict | None:
    return next((x for x in levels or [] if x["connections"] == connections), None)


PAGE_P95_MS = 300
SEARCH_P95_MS = 50
WRITE_QUERIES = 15


def targets_http(r: dict) -> list[dict]:
    """The targets of issue 17 over HTTP, per page and kind of query (all personas together), each
    with its measured value and verdict; never relaxed to pass. Set for 1,000,000 recommendations."""
    h = r["http"]
    out = []

    def add(name, met, value, why=""):
        out.append({"target": name, "met": bool(met), "value": value, "why": "" if met else why})

    compare = h.get("compare")
    if compare:
        kinds = [k for k in compare["personas"]["anonymous"] if k != "all"]
        for page, label in (("search", "/search/"), ("list", "/recommendations/?q=")):
            for kind in kinds:
                worst = max(compare["personas"].values(), key=lambda p: p[kind][f"ratio_{page}"])
                ratio = worst[kind][f"ratio_{page}"]
                mine, peer = worst[kind][f"platform_{page}"], worst[kind][f"peer_{page}"]
                add(
                    f"{label} median ≤ 0.5× Datasette's ({kind}, worst persona)",
                    ratio <= 0.5,
                    f"{ratio}× ({mine['median_ms']} vs {peer['median_ms']} ms)",
                    "slower than half of Datasette's median on this kind of query.",
                )
                p95 = max(p[kind][f"platform_{page}"]["p95_ms"] for p in compare["personas"].values())
                add(
                    f"{label} p95 ≤ {SEARCH_P95_MS} ms ({kind}, worst persona)",
                    p95 <= SEARCH_P95_MS,
                    f"{p95} ms",
                )
        if compare["failure_total"]:
            add("every compared request answered 200", False, f"{compare['failure_total']} not", "see JSON")
    else:
        add(
            "/search/ and list page against Datasette",
            False,
            "n/a",
            "Datasette serves SQLite only: no peer here.",
        )
    for page in h.get("pages", {}).values():
        p95 = page["all"]["p95_ms"]
        bad = {k: v for k, v in page["status"].items() if v != 200}
        add(
            f"{page['path']} p95 ≤ {PAGE_P95_MS} ms",
            p95 <= PAGE_P95_MS and not bad,
            f"{p95} ms, {max(page['queries'].values())} SQL queries",
            f"answered {bad}" if bad else "over the target.",
        )
    for name, cost in h.get("writes", {}).items():
        ok = cost["status"] == 302 and cost["queries"] <= WRITE_QUERIES and cost["index_updates"] == 1
        add(
            f"a recommendation {name}: ≤ {WRITE_QUERIES} SQL queries and one index update",
            ok,
            f"{cost['queries']} queries, {cost['index_updates']} index updates (HTTP {cost['status']})",
            "more queries or index updates than the target (or the form was not saved).",
        )
    return out


def targets(r: dict) -> list[dict]:
    """The earlier targets (issue 9), in-process search and wrk, with their measured values and verdicts;
    never relaxed to pass."""
    s, h = r["search"], r["http"]
    out = []

    def add(name, met, value, why=""):
        out.append({"target": name, "met": bool(met), "value": value, "why": "" if met else why})

    p95 = s["platform"]["p95_ms"]
    kinds = s.get("by_kind_median_ms", {})
    slowest = max(kinds, key=lambda k: kinds[k].get("platform", 0)) if kinds else "?"
    add(
        "search p95 ≤ 50 ms",
        p95 <= 50,
        f"{p95} ms",
        f"the slowest kind of query is '{slowest}' (median {kinds.get(slowest, {}).get('platform')} ms); "
        f"the floor's p95 on the same engine is {s['floor']['p95_ms']} ms.",
    )
    if s.get("peer"):
        ratio = s["ratio_platform_peer"]
        add(
            "search median ≤ 0.5× Datasette's",
            ratio <= 0.5,
            f"{ratio}×",
            f"platform median {s['platform']['median_ms']} ms, Datasette's {s['peer']['median_ms']} ms.",
        )
    else:
        add("search median ≤ 0.5× Datasette's", False, "n/a", "Datasette serves SQLite only: no peer here.")
    ratio = s["ratio_platform_floor"]
    extra = round(s["platform"]["median_ms"] - s["floor"]["median_ms"], 2)
    add(
        "platform/floor ≤ 1.5 (medians)",
        ratio <= 1.5,
        f"{ratio}×",
        f"the platform adds {extra} ms per query to the engine (queue check, ORM rows, snippets, facet "
        "labels, result objects).",
    )
    lp = _level(h.get("list_page"), 1)
    add(
        "list page p95 ≤ 100 ms (1 connection)",
        lp and lp["p95_ms"] <= 100,
        f"{lp['p95_ms']} ms" if lp else "n/a",
        "see the list page rows of the HTTP table.",
    )
    qc = r["queries_per_page"]
    add("constant SQL query count per list page", qc["constant"], str({k: v for k, v in qc.items()}))
    for c in (16, 64):
        mine, peer = _level(h.get("search"), c), _level(h.get("peer_search"), c)
        if mine and peer:
            ok = mine["rps"] >= 2 * peer["rps"] and mine["errors"] == 0 and peer is not None
            add(
                f"search throughput ≥ 2× Datasette at {c} connections, 0 errors",
                ok,
                f"{mine['rps']} vs {peer['rps']} req/s, {mine['errors']} errors",
                f"p50 {mine['p50_ms']} ms against Datasette's {peer['p50_ms']} ms at this level.",
            )
        else:
            add(f"search throughput ≥ 2× Datasette at {c} connections", False, "n/a", "no peer on this db")
    return out


# "found by search on the other server within a second" (coopreview/core/tests/test_replica_servers.py)
LAG_P95_MS = 1000


def targets_multiserver(m: dict | None) -> list[dict]:
    """Issue 16: the search on each of two servers, and how soon one finds a change made through the
    other. Missing figures (an older results file) give no row; a failed section a missed one."""
    if m is None:
        return []
    out = []

    def add(name, met, value, why=""):
        out.append({"target": name, "met": bool(met), "value": value, "why": "" if met else why})

    if "error" in m:
        add("several servers: /search/ p95 and propagation measured", False, "n/a", f"failed: {m['error']}")
        return out
    servers = m["search"]["servers"]
    worst = max(servers, key=lambda s: servers[s]["all"]["p95_ms"])
    p95 = servers[worst]["all"]["p95_ms"]
    add(
        f"/search/ p95 ≤ {SEARCH_P95_MS} ms on each of two servers (anonymous, every query)",
        p95 <= SEARCH_P95_MS,
        f"{p95} ms (server {worst})",
        "over the target on at least one server.",
    )
    agree = m["search"]["differing_results_total"] == 0 and m["search"]["failure_total"] == 0
    add(
        "the two servers answer every query alike (200, same results)",
        agree,
        f"{m['search']['differing_results_total']} differ, {m['search']['failure_total']} not 200",
        "see multiserver.search in the JSON.",
    )
    lag = m["propagation"]["lag_ms"]["B"]
    add(
        f"a change through A found by B's /search/: p95 ≤ {LAG_P95_MS} ms, none lost",
        lag["p95_ms"] <= LAG_P95_MS and m["propagation"]["timeouts"] == 0,
        f"{lag['p95_ms']} ms, {m['propagation']['timeouts']} not found",
        f"with B following the log every {m['follow_interval_s']} s.",
    )
    return out


def several_servers(m: dict | None) -> list[str]:
    if m is None:
        return []
    lines = ["## Several servers: two application servers on one database, each with its own index", ""]
    if "error" in m:
        return lines + [f"**Not measured**: {m['error']} (see the run's log).", ""]
    catch, prop, search = m["catch_up"], m["propagation"], m["search"]
    counts = ", ".join(f"{n} {k}" for k, n in search["queries"].items())
    lines += [
        f"Server A: gunicorn ({m['workers_per_server']} sync workers) on the index this run built. Server B: "
        f"the same, on a data directory of its own and no index, as a new server joining: its follower "
        f"built the index from the database and caught up with the change log (cursor {catch['cursor']} ≥ "
        f"{catch['log_head']}) in **{catch['seconds']} s** from its start (listening after "
        f"{catch['listening_s']} s; index {catch.get('index_mb')} MB). Both follow the log every "
        f"{m['follow_interval_s']} s (SEARCH_FOLLOW_INTERVAL).",
        "",
        f"/search/ as the anonymous visitor, each query of the published sets ({counts}) on both servers, "
        "one client, the servers in a shuffled order per query:",
        "",
        "| server | queries | median ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for name, kinds in search["servers"].items():
        for kind, f in kinds.items():
            lines.append(f"| {name} | {kind} | {f['median_ms']} | {f['p95_ms']} | {f['max_ms']} |")
    lines += [
        "",
        f"Queries whose result links differ between A and B: {search['differing_results_total']}; "
        f"requests not answered 200: {search['failure_total']}.",
        "",
        f"Propagation: {prop['edits']} edits through A's web form (signed-in editor, a new word added to a "
        f"public recommendation; saving took median {prop['save_ms']['median_ms']} ms), each followed by "
        f"/search/ for the word on both servers every {prop['poll_ms']:g} ms until it lists the "
        "recommendation. Lag from A's answer:",
        "",
        "| server | median ms | p95 ms | max ms | found |",
        "|---|---|---|---|---|",
    ]
    for name, f in prop["lag_ms"].items():
        found = f"{f['n']}/{prop['edits']}"
        lines.append(f"| {name} | {f['median_ms']} | {f['p95_ms']} | {f['max_ms']} | {found} |")
    before = ", ".join(f"{x:.1f}" for x in m.get("load_average_before", []))
    after = ", ".join(f"{x:.1f}" for x in m["load_average_after"])
    lines += ["", f"Load average: {before} before, {after} after this section.", ""]
    return lines


def job_queue(jobs: dict | None) -> list[str]:
    """The job queue's benchmark (coopreview/jobs/benchmarks.py), one row per broker."""
    if not isinstance(jobs, dict) or "error" in jobs:
        return []
    lines = [
        "## Job queue (coopreview/jobs/benchmarks.py)",
        "",
        f"No-op jobs enqueued as the platform does, then one `coopreview worker` ({jobs.get('workers')} "
        f"processes, database {jobs.get('database')}) timed until every job is done. Throughput from the "
        "worker's start, and steady (first job's end to the last's); latency is created → finished.",
        "",
        "| broker | jobs | done | enqueued/s | jobs/s | steady jobs/s | latency median s | max s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in (("database_broker", "database"), ("redis_broker", "Redis")):
        f = jobs.get(key)
        if isinstance(f, dict):
            lines.append(
                f"| {label} | {f['jobs']} | {f['done']} | {f['enqueue_per_second']} | {f['jobs_per_second']} "
                f"| {f['steady_jobs_per_second']} | {f['latency_median_s']} | {f['latency_max_s']} |"
            )
        elif f:
            lines.append(f"| {label} | {f} | | | | | | |")
    return lines + [""]


def _fmt_levels(name: str, levels: list[dict] | None, seconds: int | None = None) -> list[str]:
    rows = []
    for x in levels or []:
        if not x["requests"]:
            rows.append(
                f"| {name} | {x['connections']} | 0 | no request completed within the {seconds} s level "
                f"| | | {x['errors']} |"
            )
            continue
        rows.append(
            f"| {name} | {x['connections']} | {x['rps']} | {x['p50_ms']} | {x['p95_ms']} | {x['p99_ms']} "
            f"| {x['errors']} |"
        )
    return rows


def markdown(r: dict) -> str:
    m, s = r["machine"], r["search"]
    lines = [
        f"# Benchmark: {r['scale']} scale on {r['db']} ({r['finished']}, commit {r.get('commit', '?')})",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}; {m['wrk']}.",
        f"Load average at the end: {', '.join(f'{x:.1f}' for x in m['load_average_at_end'])}. {m['shared']}",
        "",
        "Corpus: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in r["rows"].items())
        + f" (built in {r['build_seconds']} s).",
        "",
    ]
    if r.get("followup"):  # older documents have no follow-up data
        f = r["followup"]
        lines += [
            f"Follow-up: {f['parts']:,} parts (half the recommendations), {f['history rows']:,} part history "
            f"rows, the stored figures rebuilt ({f['seconds']} s).",
            "",
        ]
    lines += _headline(r)
    lines += several_servers(r.get("multiserver"))
    lines += [
        f"## Secondary: the search selector in-process ({s['queries']} queries: one word, several words, "
        "phrases, with a theme filter, French)",
        "",
        "| engine | median ms | p95 ms | max ms |",
        "|---|---|---|---|",
    ]
    labels = {
        "platform": f"platform: the web search's selector on {s.get('engine', 'tantivy')} (default engine)",
        "floor": "floor: the same engine and query in-process, rows through the driver, no Django",
        "platform_sql": "platform on the database's own index (SEARCH_BACKEND=sql), for reference",
        "raw_fts5": "raw FTS5 bm25 (index only: full count + top 20, no filter)",
        "peer": "peer: Datasette JSON over HTTP, same SQLite file, equivalent ranked FTS5 query",
    }
    for key, label in labels.items():
        if s.get(key):
            x = s[key]
            lines.append(f"| {label} | {x['median_ms']} | {x['p95_ms']} | {x['max_ms']} |")
    index = r.get("search_index", {})
    lines += [
        "",
        f"Ratios (medians): platform/peer {s.get('ratio_platform_peer')}, "
        f"platform/floor {s['ratio_platform_floor']}. Queries whose (capped) counts differ between "
        f"engines: {s['count_mismatch_total']} (tantivy stems with Porter 2, FTS5 and PostgreSQL with "
        "Porter; see the JSON for the list).",
        "",
        f"Unified index: {index.get('entries', 0):,} entries rebuilt in {index.get('rebuild_seconds')} s "
        f"(`search_index --rebuild`: rows, the database's index and tantivy's); tantivy index "
        f"{index.get('tantivy_mb')} MB.",
        "",
        "## HTTP under load (wrk; gunicorn with 3 sync workers vs Datasette)",
        "",
        "| endpoint | connections | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    h = r["http"]
    secs = h.get("seconds_per_level")
    lines += _fmt_levels("list page (filtered)", h.get("list_page"), secs)
    lines += _fmt_levels("platform search", h.get("search"), secs)
    lines += _fmt_levels("Datasette JSON search", h.get("peer_search"), secs)
    lines += ["", f"SQL queries per list page: {r['queries_per_page']}", "", "## Peak memory (RSS, MB)", ""]
    for key, value in r["memory_mb"].items():
        lines.append(f"- {key}: {value}")
    lines += job_queue(r["apps"].get("jobs"))
    lines += ["", "## Other apps' figures", ""]
    if not r["apps"]:
        lines.append("Not run here (`--skip-apps`): see the SQLite run of the same scale.")
    for app, figures in r["apps"].items():
        if app != "jobs" or "error" in figures:
            lines.append(f"- {app}: `{figures}`")
    lines += ["", "## Targets", "", "| target | value | verdict |", "|---|---|---|"]
    for t in targets_http(r) + targets_multiserver(r.get("multiserver")) + targets(r):
        verdict = "met" if t["met"] else f"**missed** — {t['why']}"
        lines.append(f"| {t['target']} | {t['value']} | {verdict} |")
    if r["scale"] != "full":
        lines += ["", "Targets are set for 1,000,000 recommendations; at this scale they are indicative."]
    return "\n".join(lines) + "\n"


def _headline(r: dict) -> list[str]:
    h = r["http"]
    lines: list[str] = []
    compare = h.get("compare")
    if compare:
        counts = ", ".join(f"{n} {k}" for k, n in compare["queries"].items())
        lines += [
            "## Headline: the platform's pages against Datasette, both over HTTP",
            "",
            f"Per query of the published sets (bench/queries/: {counts}), per persona, the four requests in "
            "a shuffled order, one client for both servers, one warm-up pass for both. Datasette has no "
            "users: it gets the access layer as a filter (public for the anonymous visitor, members for "
            "the two members). /search/ against Datasette's `_search` with count, top 20 and its own "
            "facets; the list page with q against `_search` on the recommendations table (count, 50 rows).",
            "",
            "| persona | queries | /search/ median | p95 | Datasette median | p95 | ratio "
            "| list ?q= median | p95 | Datasette median | p95 | ratio |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for persona, kinds in compare["personas"].items():
            for kind, f in kinds.items():
                cells = []
                for page in ("search", "list"):
                    mine, peer = f[f"platform_{page}"], f[f"peer_{page}"]
                    cells += [mine["median_ms"], mine["p95_ms"], peer["median_ms"], peer["p95_ms"]]
                    cells.append(f"{f[f'ratio_{page}']}×")
                lines.append(f"| {persona} | {kind} | " + " | ".join(str(c) for c in cells) + " |")
        lines += ["", f"Requests not answered 200: {compare['failure_total']}.", ""]
    pages = h.get("pages", {})
    if pages:
        lines += [
            "## Other pages over HTTP (facilitator, member, restricted-organisation member, interleaved)",
            "",
            "The bench corpus holds recommendations, sources, themes and practices but no follow-up records "
            "(assessments, actions, updates) and no links: these pages are measured over the "
            "recommendations alone. Lineage review is timed as the facilitator only (members are refused "
            "by design); a page over its time budget stops after 3 rounds (n says how many requests).",
            "",
            "| page | p50 ms | p95 ms | n | SQL queries per persona | status |",
            "|---|---|---|---|---|---|",
        ]
        for page in pages.values():
            lines.append(
                f"| {page['path']} | {page['all']['median_ms']} | {page['all']['p95_ms']} "
                f"| {page['all']['n']} | {page['queries']} | {page['status']} |"
            )
        lines.append("")
    for name, cost in h.get("writes", {}).items():
        lines.append(
            f"- a recommendation {name} through the web form: {cost['queries']} SQL queries, "
            f"{cost['index_updates']} search-index updates (HTTP {cost['status']})."
        )
    return lines + [""]


if __name__ == "__main__":  # regenerate a summary from its results file: python -m bench.report FILE.json
    import json
    import sys

    path = Path(sys.argv[1])
    path.with_suffix(".md").write_text(markdown(json.loads(path.read_text())))
