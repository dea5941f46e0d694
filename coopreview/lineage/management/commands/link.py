"""`coopreview link suggest|groups|export|import`: links between recommendations from the command line."""

import csv
import io
import json
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopreview.core.exceptions import ServiceError
from coopreview.core.spreadsheet_safe import csv_import_value
from coopreview.lineage import selectors, services
from coopreview.lineage.similarity import DEFAULT_METHOD
from coopreview.recommendations.models import Recommendation


class Command(BaseCommand):
    help = "Suggest, group, export and import links between recommendations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user", help="act as this user (their visibility); read commands default to full access"
        )
        sub = parser.add_subparsers(dest="action", required=True)
        suggest = sub.add_parser(
            "suggest", help="rank related recommendations of another (or the same) source"
        )
        suggest.add_argument("--from", dest="from_source", required=True, help="source symbol or id")
        suggest.add_argument("--to", dest="to_source", required=True, help="source symbol or id")
        suggest.add_argument("--top", type=int, default=5)
        suggest.add_argument(
            "--method", default=DEFAULT_METHOD, help="tfidf (default), tfidf-plain, embeddings"
        )
        suggest.add_argument(
            "--widen", action="store_true", help="do not put same-addressee candidates first"
        )
        suggest.add_argument("--json", action="store_true")
        groups = sub.add_parser("groups", help="duplicate groups within one source")
        groups.add_argument("--source", required=True)
        groups.add_argument("--build", action="store_true", help="(re)build the groups first (needs --user)")
        groups.add_argument(
            "--replace", action="store_true", help="with --build: also replace reviewed groups"
        )
        groups.add_argument("--json", action="store_true")
        export = sub.add_parser("export", help="write confirmed links as CSV or JSON")
        export.add_argument("--format", choices=["csv", "json"], default="csv")
        export.add_argument("--source", help="only links touching this source")
        export.add_argument("--type", dest="link_type", default="")
        export.add_argument("--output", help="file (default: standard output)")
        imp = sub.add_parser("import", help="read links from CSV or JSON (all or nothing; needs --user)")
        imp.add_argument("file")

    def handle(self, *args, **options) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ServiceError as exc:
            raise CommandError(str(exc)) from None

    def _user(self, options, *, write: bool = False) -> User:
        name = options.get("user")
        if name:
            try:
                return User.objects.get(username=name)
            except User.DoesNotExist:
                raise CommandError(f"Unknown user: {name}") from None
        if write:
            raise CommandError("This command writes: give --user USERNAME (an editor or facilitator).")
        # The operator of the command line reads everything, like an administrator.
        return User(username="command-line", is_superuser=True)

    def _suggest(self, options) -> None:
        user = self._user(options)
        if options["top"] < 1:
            raise CommandError("--top must be at least 1.")
        origin = selectors.source_resolve(user=user, value=options["from_source"])
        target = selectors.source_resolve(user=user, value=options["to_source"])
        notes: list[str] = []
        found = selectors.suggestions(
            notes=notes,
            user=user,
            queries=Recommendation.objects.filter(source=origin),
            target=target,
            method=options["method"],
            top=options["top"],
            widen=options["widen"],
        )
        for note in notes:
            self.stderr.write(note)
        if options["json"]:
            rows = [
                {
                    "from_id": s.query.pk,
                    "from_reference": s.query.reference,
                    "to_id": s.candidate.pk,
                    "to_reference": s.candidate.reference,
                    "score": s.score,
                    "same_addressee": s.same_party,
                }
                for s in found
            ]
            self.stdout.write(
                json.dumps(
                    {
                        "from": origin.symbol,
                        "to": target.symbol,
                        "method": options["method"],
                        "suggestions": rows,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for s in found:
            mark = "=" if s.same_party else " "
            self.stdout.write(
                f"{origin.symbol} {s.query.reference}\t{s.score:.3f}{mark}\t"
                f"{target.symbol} {s.candidate.reference}\t{_short(s.candidate.text)}"
            )
        self.stdout.write(f"{len(found)} suggestions ({options['method']}; = same addressee)")

    def _groups(self, options) -> None:
        user = self._user(options, write=options["build"])
        source = selectors.source_resolve(user=user, value=options["source"])
        if options["build"]:
            services.duplicate_groups_build(by=user, source=source, replace=options["replace"])
        groups = selectors.duplicate_groups(user=user, source=source)
        if options["json"]:
            data = [
                {
                    "id": g.pk,
                    "representative": {
                        "id": g.shown_representative.pk,
                        "reference": g.shown_representative.reference,
                        "text": g.shown_representative.text,
                    },
                    "members": [
                        {"id": m.recommendation.pk, "reference": m.recommendation.reference}
                        for m in g.visible_members
                    ],
                    "reviewed": g.reviewed,
                }
                for g in groups
            ]
            self.stdout.write(
                json.dumps({"source": source.symbol, "groups": data}, ensure_ascii=False, indent=2)
            )
            return
        for g in groups:
            refs = ", ".join(m.recommendation.reference for m in g.visible_members)
            head = f"[{g.pk}] {g.shown_representative.reference}: {_short(g.shown_representative.text)}"
            self.stdout.write(f"{head}\n    {refs}")
        self.stdout.write(f"{len(groups)} groups in {source.symbol}")

    def _export(self, options) -> None:
        user = self._user(options)
        source = selectors.source_resolve(user=user, value=options["source"]) if options["source"] else None
        links = selectors.link_list(user=user, link_type=options["link_type"], source=source)
        rows = selectors.link_rows(links)
        out = io.StringIO()
        if options["format"] == "json":
            out.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            out.write(selectors.link_rows_csv(rows))
        if options["output"]:
            Path(options["output"]).write_text(out.getvalue(), encoding="utf-8")
            self.stdout.write(f"{len(rows)} links written to {options['output']}")
        else:
            self.stdout.write(out.getvalue())

    def _import(self, options) -> None:
        user = self._user(options, write=True)
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"File not found: {path}")
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".json":
            try:
                rows = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}: not valid JSON ({exc})") from None
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise CommandError(f"{path}: expected a list of objects")
        else:
            rows = [
                {key: csv_import_value(value or "") for key, value in row.items()}
                for row in csv.DictReader(io.StringIO(text))
            ]
        count = services.links_import(by=user, rows=rows)
        self.stdout.write(f"{count} links imported from {path}")


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
