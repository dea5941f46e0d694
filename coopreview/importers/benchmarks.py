"""Benchmarks of the importers (called by the bench helper): `run(scale, workdir) -> dict`.

- PDF: parsing the dev UPR reports (text, running headers/footers and footnotes removed, shading,
  numbered lists) against plain pdfplumber text extraction of the same PDF. Target ≤ 1.3×.
- XLSX: reading N rows (100,000 at "full", 2,000 at "small") into records, and planning the import
  (the per-field diff against the database: what `--dry-run` and the web preview do), with the peak
  memory of the process doing it. Target ≤ 20 s at 100,000 rows. The apply (one history record per
  recommendation through the recommendations services) is measured at 2,000 rows and reported with
  its rate, not as the target.
"""

from __future__ import annotations

import csv
import multiprocessing
import resource
import time
from pathlib import Path

from coopreview.core.shared_data import upr_dir

UPR = upr_dir()
PDFS = ["albania2010.pdf", "canada2009.pdf"]
ROWS = {"full": 100_000, "small": 2_000}


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _plain_pdfplumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def pdf_figures(pairs: int = 5) -> dict:
    """Interleaved pairs (plain extraction, then our parse) so that load from other processes on the
    machine hits both alike; the ratio is the median of the pairs' ratios."""
    import statistics

    from coopreview.importers.parsers import pdf

    figures = {}
    for name in PDFS:
        path = UPR / name
        plain_times, ours_times, ratios = [], [], []
        for _ in range(pairs):
            plain = _best(lambda p=path: _plain_pdfplumber(p), repeat=1)
            ours = _best(lambda p=path: pdf.parse(p), repeat=1)
            plain_times.append(plain)
            ours_times.append(ours)
            ratios.append(ours / plain)
        ratio = statistics.median(ratios)
        figures[name] = {
            "pdfplumber_extract_text_s_best": round(min(plain_times), 3),
            "import_parse_s_best": round(min(ours_times), 3),
            "ratio_median_of_pairs": round(ratio, 2),
            "ratio_of_best_times": round(min(ours_times) / min(plain_times), 2),
            "target": "≤ 1.3×",
            "met": ratio <= 1.3,
        }
    return figures


def _texts() -> list[str]:
    path = UPR / "upr_recommendations_2008_2011.csv"
    with path.open(encoding="utf-8", errors="replace") as fh:
        return [row["text"] for row in csv.DictReader(fh)][:20000] or ["Ratify the Rome Statute."]


def write_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    texts = _texts()
    workbook = Workbook()  # shared strings, as Excel writes them (write-only mode writes inline strings)
    sheet = workbook.active
    sheet.title = "Recommendations"
    sheet.append(
        [
            "Reference",
            "Source",
            "Text",
            "Section",
            "Addressees",
            "Recommended by",
            "Response",
            "Priority flags",
        ]
    )
    states = [
        "France",
        "Senegal",
        "Republic of Korea",
        "Canada",
        "Mexico",
        "Bolivia (Plurinational State of)",
    ]
    for i in range(rows):
        sheet.append(
            [
                f"{i // 200 + 1}.{i % 200 + 1}",
                "BENCH/1",
                texts[i % len(texts)],
                f"Cluster {i // 5000 + 1} > Section {i // 500 + 1}",
                "Albania",
                f"{states[i % 6]}; {states[(i + 1) % 6]}",
                ["supported", "noted", "consider"][i % 3],
                "Priority" if i % 17 == 0 else "",
            ]
        )
    workbook.save(path)


def _import_in_child(path: str, queue) -> None:
    """Parse and plan (what --dry-run and the web preview do) in a fresh process, so that its peak
    resident memory is the import's own; the plan reads the database the settings point at."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
    django.setup()
    from coopreview.importers import services

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    used, result = services.parse_file(Path(path), file=Path(path).name)
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    plan = services.build_plan(result=result, file=Path(path).name, format=used)
    planned = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((parsed, planned, len(result.records), plan.counts, before, peak))


def xlsx_figures(rows: int, workdir: Path) -> dict:
    path = workdir / f"bench-{rows}.xlsx"
    start = time.perf_counter()
    if not path.exists():
        write_workbook(path, rows)
    written = time.perf_counter() - start
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_import_in_child, args=(str(path), queue))
    child.start()
    parsed, planned, records, counts, before_kb, peak_kb = queue.get()
    child.join()
    total = parsed + planned
    figures = {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1048576, 1),
        "write_workbook_s": round(written, 2),
        "parse_s": round(parsed, 2),
        "plan_s": round(planned, 2),
        "import_dry_run_s": round(total, 2),
        "records": records,
        "plan_counts": counts,
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "peak_rss_mb_over_django_baseline": round((peak_kb - before_kb) / 1024, 1),
        "target": "≤ 20 s at 100,000 rows (parse + plan, i.e. the dry run / preview)",
        "met": total <= 20,
    }
    figures.update(_apply_sample(path))
    return figures


def _apply_sample(path: Path, rows: int = 2000) -> dict:
    """Apply 2,000 rows (history per record) inside a transaction that is rolled back: the rate."""
    from django.db import transaction

    from coopreview.importers import services

    try:
        used, result = services.parse_file(path, file=path.name)
        result.records = result.records[:rows]
        with transaction.atomic():
            plan = services.build_plan(result=result, file=path.name, format=used)
            start = time.perf_counter()
            services.plan_apply(plan=plan, by=None)
            seconds = time.perf_counter() - start
            transaction.set_rollback(True)
        return {"apply_2000_s": round(seconds, 2), "apply_rate_per_s": round(rows / seconds)}
    except Exception as exc:  # no database available to the bench: parse figures only
        return {"apply_error": f"{exc.__class__.__name__}: {exc}"[:200]}


def run(scale: str, workdir: Path) -> dict:
    import os

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    rows = ROWS.get(scale, ROWS["small"])
    load = os.getloadavg()[0]
    return {"load_average_1min": round(load, 1), "pdf": pdf_figures(), "xlsx": xlsx_figures(rows, workdir)}


def apply_figures(rows: int = 100_000, **kwargs) -> dict:
    """Apply `rows` new recommendations, then change all of them (see `bench_apply`)."""
    from coopreview.importers import bench_apply

    return bench_apply.apply_figures(rows, **kwargs)


if __name__ == "__main__":  # pragma: no cover
    # python -m coopreview.importers.benchmarks [ROWS] [--rows N] [--out PREFIX] [--profile] [--no-index]
    from coopreview.importers import bench_apply

    bench_apply.main()
