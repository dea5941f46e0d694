"""`coopreview import FILE`: parse, show what would change, apply in one transaction."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopreview.importers import services
from coopreview.importers.parsers import FORMATS


class Command(BaseCommand):
    help = (
        "Import recommendations from a PDF, DOCX, XLSX, CSV, JSON or annex-text file (preview, then apply)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--source", default="", help="Document symbol or id of the source (created if new)."
        )
        parser.add_argument("--format", default="auto", choices=["auto", *FORMATS])
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument(
            "--json", action="store_true", help="Print the parsed recommendations as JSON only."
        )
        parser.add_argument(
            "--mark-flag",
            default=services.MARK_FLAG_DEFAULT,
            help="Priority flag that an “x” mark stands for.",
        )
        parser.add_argument("--user", default="", help="Username recorded in the history.")

    def handle(
        self,
        *args,
        file: str,
        source: str,
        format: str,
        dry_run: bool,
        json: bool,
        mark_flag: str,
        user: str,
        **options,
    ) -> None:
        path = Path(file)
        name = path.name
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"No user named {user}.")
        progress = _Progress(enabled=not json and sys.stderr.isatty() or options.get("verbosity", 1) > 1)
        try:
            used, result = services.parse_file(
                path, file=name, format=format, progress=progress, max_bytes=settings.UPLOAD_MAX_BYTES * 50
            )
            if json:
                self.stdout.write(_json([r.as_json() for r in result.records]))
                if any(p.blocking for p in result.problems):
                    for problem in result.problems:
                        sys.stderr.write(f"{problem}\n")
                    raise CommandError(
                        f"{name}: {len([p for p in result.problems if p.blocking])} problem(s)."
                    )
                return
            plan = services.build_plan(
                result=result, file=name, format=used, source=source, mark_flag=mark_flag
            )
            self._show(plan)
            if dry_run:
                if plan.blocking:
                    raise CommandError(f"{name}: {len(plan.blocking)} problem(s); nothing would be written.")
                self.stdout.write("Dry run: nothing written.")
                return
            counts = services.plan_apply(plan=plan, by=by, progress=progress)
        except services.ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()
        self.stdout.write(self.style.SUCCESS(f"Applied: {counts['new']} new, {counts['changed']} changed."))

    def _show(self, plan: services.ImportPlan) -> None:
        c = plan.counts
        self.stdout.write(
            f"{plan.file} ({plan.format}): {c['new']} new, {c['changed']} changed, "
            f"{c['unchanged']} unchanged, "
            f"{c['problems']} could not be read, {c['warnings']} warning(s)."
        )
        for record in plan.records:
            if record.status == "unchanged":
                continue
            self.stdout.write(
                f"  {record.status.upper():8} {record.source} {record.reference}  ({record.place})"
            )
            for change in record.changes:
                self.stdout.write(f"      {change.label}: {_short(change.old)} → {_short(change.new)}")
        for problem in plan.problems:
            prefix = "PROBLEM" if problem.blocking else "warning"
            self.stdout.write(f"  {prefix}: {problem}")


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


class _Progress:
    """A tqdm bar on stderr (stdout stays clean for --json)."""

    def __init__(self, *, enabled: bool) -> None:
        self.bar = None
        self.enabled = enabled

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=sys.stderr, leave=False)
        self.bar.total = total
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
