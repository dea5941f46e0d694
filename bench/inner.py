"""The measuring process (run by bench.harness with DATABASE_URL pointing at the bench database).

Usage: python -m bench.inner SCALE DB OUT [N_RECOMMENDATIONS]
"""

import json
import os
import sys
import time
from pathlib import Path

import django


def main(argv: list[str]) -> None:
    scale, db, out = argv[0], argv[1], Path(argv[2])
    n_override = int(argv[3]) if len(argv) > 3 else None
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import corpus, harness, load, memory, pages, report, schema, searchbench
    from bench.harness import log
    from coopreview.accounts.services import organisations_load_reference_data
    from coopreview.search.backends.tantivy_engine import index_dir
    from coopreview.search.indexing import index_rebuild

    n_recs, n_know, wrk_seconds = harness.scale_settings(scale)
    work = out / "work"
    results: dict = {"scale": scale, "db": db, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    results["commit"] = report.git_commit()
    memory_mb: dict = {}

    log(f"migrating the {db} bench database")
    call_command("migrate", verbosity=0)
    organisations_load_reference_data()
    log(f"building the {scale} corpus")
    start = time.perf_counter()
    rows = corpus.build(n_recommendations=n_override or n_recs, n_knowledge=n_know)
    results["rows"] = rows
    results["build_seconds"] = round(time.perf_counter() - start, 1)
    memory_mb["build_job_peak"] = memory.self_peak_mb()
    log(f"built {rows} in {results['build_seconds']} s")
    log("adding follow-up parts to half the recommendations, their history and the stored figures")
    start = time.perf_counter()
    results["followup"] = {**pages.followup_data(), "seconds": round(time.perf_counter() - start, 1)}
    log(f"follow-up data: {results['followup']}")
    log("building the unified search index (search_index --rebuild)")
    start = time.perf_counter()
    entries = index_rebuild(batch_size=5000)
    results["search_index"] = {
        "entries": entries,
        "rebuild_seconds": round(time.perf_counter() - start, 1),
        "tantivy_mb": round(sum(f.stat().st_size for f in index_dir().rglob("*") if f.is_file()) / 1e6, 1),
    }
    log(f"indexed {entries} entries in {results['search_index']['rebuild_seconds']} s")
    connection.close()

    sqlite_path = connection.settings_dict["NAME"] if db == "sqlite" else None
    peer = None
    if sqlite_path:
        load.peer_list_index(Path(sqlite_path))
        peer = load.start_datasette(Path(sqlite_path), harness.PEER_PORT, work / "datasette.log")
    try:
        log("measuring search")
        results["search"] = searchbench.measure(
            sqlite_path=str(sqlite_path) if sqlite_path else None,
            peer_port=harness.PEER_PORT if peer else None,
            log=log,
        )
        memory_mb["search_job_peak_cumulative"] = memory.self_peak_mb()
        log("counting SQL queries per page")
        results["queries_per_page"] = query_counts()
        log("HTTP under load")
        results["http"], memory_mb["server"] = http_load(wrk_seconds, work, peer, scale)
        if peer:
            memory_mb["peer_server"] = memory.tree_peak_mb(peer.pid)
    finally:
        if peer:
            load.stop(peer)
    log("several servers: a second server, its index caught up from the change log")
    results["multiserver"] = several_servers(work, scale)
    results["apps"] = {}
    with_apps = os.environ.get("COOPREVIEW_BENCH_APPS", "1") != "0"
    for module in harness.app_benchmarks() if with_apps else []:
        log(f"app benchmark {module}")
        try:
            # Apps know the scales "small" and "full"; the harness's own "tiny" runs theirs at small.
            app_scale = (
                "full" if scale == "full" or (scale.isdigit() and int(scale) >= 1_000_000) else "small"
            )
            figures, peak = memory.run_job(harness._call_app, module, app_scale, str(work))
            results["apps"][module.rsplit(".", 1)[1]] = figures
            memory_mb[f"app_{module.rsplit('.', 1)[1]}_peak"] = peak
        except Exception as exc:  # an app's benchmark failing is reported, not hidden
            results["apps"][module.rsplit(".", 1)[1]] = {"error": repr(exc)}
    results["memory_mb"] = memory_mb
    results["machine"] = report.machine_info()
    results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    problems = schema.validate(results)
    if problems:
        raise SystemExit(f"the results document is incomplete: {'; '.join(problems)}")
    json_path, md_path = harness.result_paths(out, scale, db)
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    summary = report.markdown(results)
    md_path.write_text(summary)
    if scale in ("small", "full"):  # a run over several scales writes its own (bench.harness.run_scales)
        (out / "LATEST.md").write_text(summary)
    (work / "last_result").write_text(str(json_path))
    log(f"wrote {json_path} and {md_path}")


def query_counts() -> dict:
    """SQL queries for the list page: a narrow filter and the whole corpus, a page of 50 and of 500
    (grouped), each as an anonymous visitor, in a warmed process. The count must be the same in all four."""
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from coopreview.recommendations.models import Source

    by_size = (
        Source.objects.annotate(n=Count("recommendations")).order_by("n", "id").values_list("id", flat=True)
    )
    narrow, wide = by_size.first(), by_size.last()
    client = Client()
    cases = {
        "narrow_page50": f"/recommendations/?source={narrow}",
        "narrow_page500": f"/recommendations/?source={narrow}&group=on",
        "wide_page50": f"/recommendations/?source={wide}",
        "wide_page500": f"/recommendations/?source={wide}&group=on",
        "list_search_page50": "/recommendations/?q=torture",
        "search_page": "/search/?q=torture",
        "search_page_filtered": "/search/?q=rights&topic=Torture",
    }
    counts = {}
    for url in cases.values():
        # A warm process, as a server's after its first request: the per-process copies of the reference
        # tables and the filter form's rendered options are read once, then kept (core.reference).
        client.get(url)
    for name, url in cases.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        counts[name] = len(ctx.captured_queries)
    counts["constant"] = len({v for k, v in counts.items() if k.startswith(("narrow", "wide"))}) == 1
    return counts


def http_load(seconds: int, work: Path, peer, scale: str) -> tuple[dict, dict]:
    """Both servers up at once: the list page under wrk, then the headline HTTP comparison, the other
    pages' timings and the search throughput against Datasette, levels interleaved (bench.httpbench)."""
    from bench import harness, httpbench, load, memory
    from coopreview.recommendations.models import Theme

    themes = {t.slug: t for t in Theme.objects.all()}
    list_paths = [f"/recommendations/?theme={themes[s].id}&addressee=state" for s in sorted(themes)]
    users = httpbench.personas()
    cookie = httpbench.cookies(users)
    server = load.start_gunicorn(harness.PORT, 3, work / "gunicorn.log")
    base = f"http://127.0.0.1:{harness.PORT}"
    load.warm_up(base, list_paths[:3] + ["/search/?q=torture"])
    http: dict = {"workers": 3, "seconds_per_level": seconds}
    try:
        harness.log("  list page")
        http["list_page"] = load.load_levels(base, list_paths, seconds, harness.log)
        if peer:
            harness.log("  platform pages against Datasette, per query (the headline)")
            http["compare"] = httpbench.compare(
                port=harness.PORT,
                peer_port=harness.PEER_PORT,
                cookie=cookie,
                per_kind=harness.QUERIES_PER_KIND.get(scale),
                log=harness.log,
            )
        harness.log("  other pages")
        repeats = harness.PAGE_REPEATS.get(scale, httpbench.PAGE_REPEATS)
        http["pages"] = httpbench.pages(
            port=harness.PORT, cookie=cookie, users=users, repeats=repeats, log=harness.log
        )
        harness.log("  search throughput" + (" against Datasette, interleaved" if peer else ""))
        if peer:
            http |= httpbench.throughput(
                port=harness.PORT, peer_port=harness.PEER_PORT, seconds=seconds, log=harness.log
            )
        else:
            paths = [httpbench.platform_paths(q)["platform_search"] for q in _all_queries()]
            http["search"] = load.load_levels(base, paths, seconds, harness.log)
        server_mem = memory.tree_peak_mb(server.pid)
    finally:
        load.stop(server)
    http["writes"] = httpbench.write_costs(users)
    harness.log(f"  create/edit: {http['writes']}")
    return http, server_mem


def several_servers(work: Path, scale: str) -> dict:
    """bench.multiserver's figures; a failure is reported in the results (and the summary), not raised:
    the rest of the run stands."""
    import traceback

    from bench import harness, multiserver

    try:
        return multiserver.measure(
            work=work,
            port_a=harness.PORT,
            port_b=harness.SECOND_PORT,
            per_kind=harness.QUERIES_PER_KIND.get(scale),
            log=harness.log,
        )
    except Exception as exc:
        traceback.print_exc()
        harness.log(f"  several servers failed: {exc!r}")
        return {"error": repr(exc)}


def _all_queries() -> list[str]:
    from bench import querysets

    return [q for queries in querysets.load().values() for q in queries]


if __name__ == "__main__":
    main(sys.argv[1:])
