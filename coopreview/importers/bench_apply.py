"""Throughput of applying an import (issue 20 item 5): `python -m coopreview.importers.benchmarks ROWS`.

Run on an empty, migrated database with the organisations loaded (the one the settings point at:
DATABASE_URL, COOPREVIEW_DATA_DIR). A plan of ROWS new recommendations (section, addressee, two
recommending States, response, a flag on every 17th, a name no organisation matches on every 100th)
is applied all or nothing, as the import job does (records, links, one history row per record naming
the file with its many-to-many snapshot), then the same rows changed. For each step: the wall time
and this process's CPU time of the apply, the CPU time of the PostgreSQL server process serving it
(when its /proc entry is readable), and the machine's load average sampled during the apply. On a
shared machine the wall time says as much about the other processes as about the apply; the CPU time
says what the apply costs. The plan (made before, as the preview does) and the search index update
(after the commit) are timed apart.

The figures go to PREFIX-<database>.json, and PREFIX.md is rebuilt from every PREFIX-*.json (its
"## Notes" section, written by hand, is kept).
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from pathlib import Path

TARGET = 2000  # rows per second, wall time, at 100,000 rows
SOURCE = "BENCH/APPLY"


class LoadSampler:
    """The 1-minute load average every second while a step runs (the machine is shared)."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(1.0):
                return

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def figures(self) -> dict:
        s = self.samples
        return {"start": round(s[0], 1), "mean": round(sum(s) / len(s), 1), "max": round(max(s), 1)}


def _server_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None  # SQLite works inside this process: its CPU time is in ours
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid if _cpu_of(pid) is not None else None


def _cpu_of(pid: int | None) -> float | None:
    """CPU seconds (user + system) of process `pid` from /proc, if it runs on this machine."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _commit() -> str:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from PATH, a label only)
            capture_output=True,
            text=True,
            timeout=10,
        )
    except OSError:
        return ""
    return out.stdout.strip()


def _texts() -> list[str]:
    from coopreview.importers.benchmarks import _texts

    return _texts()


def parse_result(rows: int, suffix: str):
    from coopreview.importers.parsers.base import ParsedRecord, ParseResult

    texts = _texts()
    states = ["France", "Senegal", "Canada", "Mexico"]
    records = [
        ParsedRecord(
            reference=f"{i // 200 + 1}.{i % 200 + 1}",
            text=texts[i % len(texts)] + suffix,
            section=[f"Cluster {i // 5000 + 1}", f"Section {i // 500 + 1}"],
            addressees=["Albania"],
            recommended_by=[states[i % 4], states[(i + 1) % 4]] + (["Atlantis"] if i % 100 == 0 else []),
            response=["supported", "noted"][i % 2],
            priority_flags=["Priority"] if i % 17 == 0 else [],
        )
        for i in range(rows)
    ]
    return ParseResult(records=records, meta={"symbol": SOURCE})


def apply_figures(rows: int = 100_000, *, index: bool = True, profile: str = "") -> dict:
    """Apply `rows` new recommendations then change all of them; the figures of both steps."""
    import cProfile

    from django.db import connection

    from coopreview.importers import services
    from coopreview.recommendations.models import Recommendation
    from coopreview.search.indexing import recommendations_reindex

    if Recommendation.objects.filter(source__symbol=SOURCE).exists():
        raise SystemExit(f"{SOURCE} already has recommendations: run on an empty, migrated database.")
    server = _server_pid()
    figures: dict = {
        "rows": rows,
        "database": connection.vendor,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": _commit(),
        "cpus": os.cpu_count(),
        "server_cpu_measured": server is not None,
    }
    profiler = cProfile.Profile(time.process_time) if profile else None
    for step, suffix in (("new", ""), ("changed", " (revised)")):
        start = time.perf_counter()
        result = parse_result(rows, suffix)
        plan = services.build_plan(result=result, file=f"bench-{step}.xlsx", format="xlsx")
        planned = time.perf_counter() - start
        ids: list[int] = []
        with LoadSampler() as load:
            server_cpu = _cpu_of(server)
            start, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            counts = services.plan_apply(plan=plan, by=None, reindex=False, on_written=ids.extend)
            if profiler:
                profiler.disable()
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            server_cpu = _cpu_of(server) - server_cpu if server is not None else None
        figures[step] = {
            "counts": counts,
            "plan_s": round(planned, 1),
            "apply_s": round(wall, 1),
            "apply_rows_per_s": round(rows / wall),
            "apply_cpu_s": round(cpu, 2),
            "apply_rows_per_cpu_s": round(rows / cpu),
            "server_cpu_s": round(server_cpu, 2) if server_cpu is not None else None,
            "load_average_1min": load.figures(),
        }
        if index:
            start = time.perf_counter()
            recommendations_reindex(ids=ids)
            figures[step]["search_index_s"] = round(time.perf_counter() - start, 1)
    history = Recommendation.history.filter(source_id__in=plan_sources(SOURCE))
    figures["history_rows"] = history.count()
    figures["history_rows_naming_the_file"] = history.filter(
        history_change_reason__in=["Imported from bench-new.xlsx", "Imported from bench-changed.xlsx"]
    ).count()
    figures["target"] = f"≥ {TARGET:,} rows/s (wall time) for the apply at 100,000 rows"
    figures["met"] = {s: figures[s]["apply_rows_per_s"] >= TARGET for s in ("new", "changed")}
    if profiler:
        profiler.dump_stats(profile)
    return figures


def plan_sources(symbol: str) -> list[int]:
    from coopreview.recommendations.models import Source

    return list(Source.objects.filter(symbol=symbol).values_list("pk", flat=True))


def _row(f: dict, step: str) -> str:
    s = f[step]
    load = s["load_average_1min"]
    server = s["server_cpu_s"]
    both = s["apply_cpu_s"] + (server or 0)
    return (
        f"| {f['when'][11:16]} {f.get('commit', '')} | {f['database']} | {step} | {f['rows']:,} | "
        f"{s['apply_s']} | **{s['apply_rows_per_s']:,}** | "
        f"{s['apply_cpu_s']} | {s['apply_rows_per_cpu_s']:,} | "
        f"{server if server is not None else '—'} | {round(f['rows'] / both):,} | "
        f"{load['start']} / {load['mean']} / {load['max']} | {s['plan_s']} | {s.get('search_index_s', '—')} |"
    )


def server_note(run: dict, step: dict) -> str:
    if step["server_cpu_s"] is None:
        return ""
    return f", {round(run['rows'] / (step['apply_cpu_s'] + step['server_cpu_s'])):,} with the server's"


def report(prefix: Path) -> Path:
    """Rebuild PREFIX.md from every PREFIX-*.json, keeping its hand-written notes."""
    md = prefix.with_suffix(".md")
    notes = ""
    if md.exists() and "\n## Notes" in md.read_text(encoding="utf-8"):
        notes = md.read_text(encoding="utf-8").split("\n## Notes", 1)[1]
    runs = [json.loads(p.read_text()) for p in prefix.parent.glob(f"{prefix.name}-*.json")]
    runs.sort(key=lambda r: (r["when"], r["database"]))
    lines = [
        f"# Import apply throughput at {max((r['rows'] for r in runs), default=0):,} rows (issue 20 item 5)",
        "",
        "`python -m coopreview.importers.benchmarks ROWS --out PREFIX` on an empty, migrated database "
        "with the organisations loaded (see `coopreview/importers/bench_apply.py`): ROWS new "
        "recommendations applied all or nothing as the import job does (records, links, one history row "
        "per record naming the file, with its many-to-many snapshot; a name no organisation matches on "
        "every 100th row, kept as text with its own history), then the same rows changed.",
        "",
        "Wall time is what the machine gave; *process CPU* is the applying process's own CPU time "
        "(SQLite's work is inside it); *server CPU* is the PostgreSQL backend serving it (from /proc). "
        "The load average (1 minute; at the start / mean / max during the apply) shows how many other "
        "processes shared the 2 cores. The plan (made before, as the preview does) and the search index "
        "update (after the commit) are not part of the apply and are timed apart.",
        "",
        "| run (UTC, commit) | database | step | rows | wall s | rows/s (wall) | process CPU s "
        "| rows per process CPU s "
        "| server CPU s | rows per CPU s (process + server) | load avg start / mean / max | plan s "
        "| index update s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines += [_row(run, "new"), _row(run, "changed")]
    lines += ["", f"Target: ≥ {TARGET:,} rows/s (wall time) at 100,000 rows.", ""]
    for run in runs:
        for step in ("new", "changed"):
            s = run[step]
            verdict = "met" if run["met"][step] else "missed"
            lines.append(
                f"- {run['database']}, {step}: {verdict} in wall time ({s['apply_rows_per_s']:,} rows/s at a "
                f"mean load of {s['load_average_1min']['mean']} on {run['cpus']} cores); "
                f"{s['apply_rows_per_cpu_s']:,} rows per CPU second of the applying process"
                f"{server_note(run, s)}. "
                f"History rows written: {run['history_rows']:,} for {2 * run['rows']:,} record writes "
                f"({run['history_rows_naming_the_file']:,} naming the file). Run {run['when']}, "
                f"commit {run.get('commit', '?')}."
            )
    text = "\n".join(lines) + "\n"
    if notes:
        text += "\n## Notes" + notes
    md.write_text(text, encoding="utf-8")
    return md


def main() -> None:  # pragma: no cover (a command line)
    import django

    parser = argparse.ArgumentParser(prog="python -m coopreview.importers.benchmarks")
    parser.add_argument("rows_arg", nargs="?", type=int, metavar="ROWS")
    parser.add_argument("--rows", type=int, default=None, help="rows to apply (default 100,000)")
    parser.add_argument(
        "--out", default="", help="write PREFIX-<database>.json and rebuild PREFIX.md (bench/results/…)"
    )
    parser.add_argument("--no-index", action="store_true", help="leave out the search index update")
    parser.add_argument("--profile", default="", help="cProfile (CPU time) of the apply into this file")
    args = parser.parse_args()
    rows = args.rows or args.rows_arg or 100_000
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
    django.setup()
    figures = apply_figures(rows, index=not args.no_index, profile=args.profile)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.out:
        prefix = Path(args.out)
        prefix.parent.mkdir(parents=True, exist_ok=True)
        Path(f"{prefix}-{figures['database']}.json").write_text(json.dumps(figures, indent=2) + "\n")
        print(f"report: {report(prefix)}")
