from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Build the benchmark corpus in a dedicated database and measure search, HTTP and memory against "
        "Datasette and the floor; writes bench/results/<date>-<scale>-<db>.json and .md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["tiny", "small", "full"], default="small")
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
        parser.add_argument("--out", type=Path, default=Path("bench/results"))

    def handle(self, *args, scale: str, db: str, out: Path, **options) -> None:
        try:
            from bench import harness
        except ImportError as exc:
            raise CommandError(
                f"the bench package is not importable ({exc}); install with the bench extra"
            ) from exc
        try:
            path = harness.run(scale=scale, db=db, out=out)
        except Exception as exc:
            raise CommandError(f"benchmark failed: {exc}") from exc
        self.stdout.write(f"Results: {path} and {path.with_suffix('.md')}")
