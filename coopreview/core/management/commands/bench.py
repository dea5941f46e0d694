from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Build the benchmark corpus in a dedicated database and measure search, HTTP and memory against "
        "Datasette and the floor; writes bench/results/<date>-<scale>-<db>.json and .md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["tiny", "small", "full"], default="small")
        parser.add_argument(
            "--scales",
            default="",
            help="Several scales in one run, comma-separated: tiny, small, full or numbers of "
            "recommendations (19702 is the real UPR corpus), e.g. 19702,100000,1000000; writes one report "
            "over all of them besides each scale's own.",
        )
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
        parser.add_argument("--out", type=Path, default=Path("bench/results"))
        parser.add_argument(
            "--skip-apps",
            action="store_true",
            help="Leave out the apps' own benchmarks (import, reports, links), e.g. when a run on the other "
            "database already holds them.",
        )

    def handle(self, *args, scale: str, scales: str, db: str, out: Path, skip_apps: bool, **options) -> None:
        wanted = [x.strip() for x in scales.split(",") if x.strip()]
        for item in wanted:
            if item not in ("tiny", "small", "full") and not (item.isdigit() and int(item) >= 100):
                raise CommandError(
                    f"--scales: {item!r} is neither tiny, small, full nor a number of recommendations ≥ 100"
                )
        try:
            from bench import harness
        except ImportError as exc:
            raise CommandError(
                f"the bench package is not importable ({exc}); install with the bench extra"
            ) from exc
        try:
            if wanted:
                path = harness.run_scales(scales=wanted, db=db, out=out, apps=not skip_apps)
            else:
                path = harness.run(scale=scale, db=db, out=out, apps=not skip_apps)
        except Exception as exc:
            raise CommandError(f"benchmark failed: {exc}") from exc
        self.stdout.write(f"Results: {path} and {path.with_suffix('.md')}")
