"""Suggestion cost and quality per method, side by side.

`run("full", workdir)`: 400 queries against 40,000 candidates (the 19,702 real UPR recommendations
twice over, the second copy as a later cycle): wall time and peak memory of fitting + ranking
(cold), time of ranking with the index already built (warm: the selectors keep fitted rankers
while the candidates are unchanged), and each method's recall@5 / MRR on the labelled set
(data/eval_upr.jsonl). "small" uses 40 × 2,000 and a sample of the labelled set.
"""

import json
import multiprocessing
import random
import resource
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from coopreview.lineage.evaluation import UPR_CSV, evaluate, load_corpus, read_cases
from coopreview.lineage.similarity import METHODS, Item, MethodUnavailable, available_methods, make_ranker

SCALES = {"full": (400, 40_000), "small": (40, 2_000)}


def _pool(rows, size: int) -> list[Item]:
    items: list[Item] = []
    cycle = 0
    while len(items) < size:
        for r in rows:
            items.append(Item(cycle * 100_000 + r.id, r.text, frozenset({r.state})))
            if len(items) == size:
                break
        cycle += 1
    return items


def _measure(method: str, n_queries: int, n_pool: int) -> dict:
    """Runs in a fresh process, so its peak resident memory is this method's alone."""
    rows = load_corpus(UPR_CSV)
    cases = read_cases()
    rng = random.Random(11)
    queries = [
        Item(c["query_id"], c["text"], frozenset({c["party"]}))
        for c in rng.sample(cases, min(n_queries, len(cases)))
    ]
    pool = _pool(rows, n_pool)
    del rows, cases
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu_started = time.process_time()
    started = time.perf_counter()
    ranker = make_ranker(method).fit(pool)
    fitted = time.perf_counter()
    ranker.rank(queries, top=5)
    done = time.perf_counter()
    cpu_cold = time.process_time() - cpu_started
    cpu_warm_started = time.process_time()
    ranker.rank(queries[::-1], top=5)  # warm: the index of the older sets is already built
    warm = time.perf_counter() - done
    cpu_warm = time.process_time() - cpu_warm_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "seconds": round(done - started, 2),
        "fit_seconds": round(fitted - started, 2),
        "rank_seconds": round(done - fitted, 2),
        "warm_seconds": round(warm, 2),
        # CPU seconds of this process: what the wall time would be on an idle core (the
        # benchmark machine is shared, so wall times above carry other people's load).
        "cpu_seconds": round(cpu_cold, 2),
        "warm_cpu_seconds": round(cpu_warm, 2),
        "peak_rss_mb": round(peak / 1024, 1),
        "peak_rss_before_fit_mb": round(baseline / 1024, 1),
    }


def _cost(method: str, n_queries: int, n_pool: int) -> dict:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_measure, method, n_queries, n_pool).result()


def run(scale: str, workdir: Path, methods: Sequence[str] | None = None) -> dict:
    """Measure every method (or `methods`) at `scale` ("full" or "small"); writes
    lineage-benchmark[-methods].json in `workdir`."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose {', '.join(SCALES)}")
    n_queries, n_pool = SCALES[scale]
    rows = load_corpus(UPR_CSV)
    cases = read_cases()
    rng = random.Random(11)
    eval_cases = cases if scale == "full" else rng.sample(cases, 150)
    eval_rows = rows
    report: dict = {"scale": scale, "queries": n_queries, "candidates": n_pool, "methods": {}}
    status = available_methods()
    for method in methods or METHODS:
        if status[method] is not None:
            report["methods"][method] = {"available": False, "why": status[method]}
            continue
        try:
            cost = _cost(method, n_queries, n_pool)
            quality = evaluate(method, eval_cases, eval_rows)
        except MethodUnavailable as exc:
            report["methods"][method] = {"available": False, "why": str(exc)}
            continue
        report["methods"][method] = {"available": True, **cost, "quality": quality}
    workdir.mkdir(parents=True, exist_ok=True)
    suffix = "-" + "-".join(methods) if methods else ""
    (workdir / f"lineage-benchmark{suffix}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


if __name__ == "__main__":  # python -m coopreview.lineage.benchmarks [full|small] [method,method]
    import sys

    scale = sys.argv[1] if len(sys.argv) > 1 else "small"
    chosen = sys.argv[2].split(",") if len(sys.argv) > 2 else None
    print(json.dumps(run(scale, Path(tempfile.gettempdir()) / "lineage-bench", chosen), indent=2))
