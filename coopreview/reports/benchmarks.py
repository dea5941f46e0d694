"""Benchmarks of the reports: `run(scale, workdir) -> dict`.

- annex PDF of 400 recommendations (target ≤ 3 s),
- annex XLSX of 100,000 recommendations (target ≤ 30 s),
each with its peak memory. Scale "small" uses small numbers (a smoke run); "full" the targets' sizes.

The data are created in one transaction that is rolled back: the database is left as it was. Run alone,
Django is set up on a throw-away SQLite database in `workdir`.
"""

import pathlib
import resource
import time
import tracemalloc

from coopreview.core.benchmarks_setup import django_for_benchmark

SIZES = {"small": {"pdf": 40, "xlsx": 2_000}, "full": {"pdf": 400, "xlsx": 100_000}}
TARGETS = {"pdf": 3.0, "xlsx": 30.0}
WORDS = (
    "The Court and the States Parties should consider strengthening cooperation on the arrest and surrender "
    "of suspects, the freezing of assets, witness protection and relocation, and the exchange of evidence"
).split()


def _setup(workdir: pathlib.Path) -> None:
    django_for_benchmark(workdir, "reports")


def _text(i: int) -> str:
    start = i % len(WORDS)
    words = (WORDS[start:] + WORDS[:start])[: 25 + i % 20]
    return f"Recommendation {i}: " + " ".join(words) + "."


def _make_data(n: int, symbol: str):
    """`n` public recommendations in 20 clusters, every tenth flagged, addressed to the Court or both."""
    from coopreview.accounts.enums import OrganisationKind
    from coopreview.accounts.models import Organisation
    from coopreview.recommendations.models import (
        PriorityFlag,
        Recommendation,
        Section,
        Source,
        reference_sort_key,
    )

    icc, _ = Organisation.objects.get_or_create(
        code="ICC", defaults={"kind": OrganisationKind.COURT, "name": "International Criminal Court"}
    )
    asp, _ = Organisation.objects.get_or_create(
        code="ASP", defaults={"kind": OrganisationKind.ASSEMBLY, "name": "Assembly of States Parties"}
    )
    flag, _ = PriorityFlag.objects.get_or_create(name="Bench priority", defaults={"colour": "#F4B183"})
    source = Source.objects.create(symbol=symbol, title=f"Benchmark source {symbol}")
    sections = [
        Section.objects.create(source=source, title=f"Cluster {c + 1}", position=c) for c in range(20)
    ]
    recs = [
        Recommendation(
            source=source,
            reference=str(i + 1),
            reference_sort=reference_sort_key(str(i + 1)),
            source_date=source.date,  # bulk_create skips save(), which keeps these two in step
            text=_text(i),
            text_fr=_text(i) if i % 2 else "",
            section=sections[i % 20],
        )
        for i in range(n)
    ]
    Recommendation.objects.bulk_create(recs, batch_size=2000)
    ids = list(Recommendation.objects.filter(source=source).values_list("pk", flat=True))
    addressees = Recommendation.addressees.through
    addressees.objects.bulk_create(
        [addressees(recommendation_id=pk, organisation_id=icc.pk) for pk in ids]
        + [addressees(recommendation_id=pk, organisation_id=asp.pk) for pk in ids[::3]],
        batch_size=5000,
    )
    flags = Recommendation.priority_flags.through
    flags.objects.bulk_create(
        [flags(recommendation_id=pk, priorityflag_id=flag.pk) for pk in ids[::10]], batch_size=5000
    )
    return source


def _measure(fn) -> tuple[float, float, float, object]:
    """Wall and CPU seconds (untraced run), peak traced memory in MiB (a second, traced run)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    try:
        fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, cpu, peak / 2**20, result


def _warm_up(workdir: pathlib.Path) -> None:
    """Load WeasyPrint, Pango and the fonts once, as a running server has: the figures are per report."""
    from weasyprint import HTML

    HTML(string="<p style='font-family: DejaVu Sans'>Échauffement</p>").write_pdf(workdir / "warm-up.pdf")


def run(scale: str, workdir: pathlib.Path) -> dict:
    if scale not in SIZES:
        raise ValueError(f"scale must be one of {', '.join(SIZES)}, not {scale!r}")
    workdir = pathlib.Path(workdir)
    _setup(workdir)
    from django.contrib.auth.models import AnonymousUser
    from django.db import transaction

    from coopreview.recommendations.selectors import RecommendationFilters
    from coopreview.reports.builders import ReportOptions, build_annex
    from coopreview.reports.exporters import export

    sizes = SIZES[scale]
    results: dict = {"scale": scale, "cases": []}
    workdir.mkdir(parents=True, exist_ok=True)
    _warm_up(workdir)
    with transaction.atomic():
        for fmt in ("pdf", "xlsx"):
            n = sizes[fmt]
            started = time.perf_counter()
            source = _make_data(n, f"BENCH/{fmt.upper()}/{n}")
            setup_seconds = time.perf_counter() - started
            path = workdir / f"annex-{n}.{fmt}"

            def job(fmt=fmt, source=source, path=path):
                options = ReportOptions(
                    user=AnonymousUser(), lang="fr", filters=RecommendationFilters(source=source)
                )
                report = build_annex(options)
                export(report, fmt, path)
                return len(report.rows)

            seconds, cpu, peak_mib, rows = _measure(job)
            results["cases"].append(
                {
                    "name": f"annex {fmt} of {n} recommendations",
                    "format": fmt,
                    "recommendations": rows,
                    "seconds": round(seconds, 2),
                    "cpu_seconds": round(cpu, 2),
                    "target_seconds": TARGETS[fmt] if scale == "full" else None,
                    "within_target": seconds <= TARGETS[fmt] if scale == "full" else None,
                    "peak_traced_mib": round(peak_mib, 1),
                    "file_bytes": path.stat().st_size,
                    "data_setup_seconds": round(setup_seconds, 2),
                }
            )
        transaction.set_rollback(True)  # leave the database as it was
    results["max_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


if __name__ == "__main__":  # python -m coopreview.reports.benchmarks [small|full] [WORKDIR]
    import json
    import sys
    import tempfile

    scale = sys.argv[1] if len(sys.argv) > 1 else "small"
    workdir = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else pathlib.Path(tempfile.mkdtemp())
    print(json.dumps(run(scale, workdir), indent=2))
