"""`coopreview export --format json|csv|xlsx -o FILE [filters]`, filtered by visibility."""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_download_if_non_public
from coopreview.importers import exporters, selectors


class Command(BaseCommand):
    help = "Export recommendations (what the given user may see; everything by default) as JSON, CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="xlsx")
        parser.add_argument(
            "-o", "--output", required=True, help="File to write ('-' for stdout, not for xlsx)."
        )
        parser.add_argument("--source", default="")
        parser.add_argument("--addressee", default="", choices=["", "court", "assembly", "both", "state"])
        parser.add_argument("--organ", default="", help="Organisation code, e.g. OTP")
        parser.add_argument("--flag", default="")
        parser.add_argument("--theme", default="")
        parser.add_argument("--q", default="")
        parser.add_argument("--visibility", default="", choices=["", "public", "members", "restricted"])
        parser.add_argument("--as-user", default="", help="Export only what this user may see.")
        parser.add_argument("--template", action="store_true", help="Write the empty XLSX template instead.")

    def handle(self, *args, **o) -> None:
        user = None
        if o["as_user"]:
            user = User.objects.filter(username=o["as_user"]).first()
            if user is None:
                raise CommandError(f"No user named {o['as_user']}.")
        try:
            filters = selectors.export_filters(
            source=o["source"], addressee=o["addressee"], organ=o["organ"], flag=o["flag"], theme=o["theme"],
                q=o["q"], visibility=o["visibility"],
            )  # fmt: skip
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        records = selectors.recommendations_for_export(user=user, filters=filters)
        out = o["output"]
        if o["format"] == "xlsx" or o["template"]:
            if out == "-":
                raise CommandError("XLSX cannot be written to stdout; give a file name.")
            count = exporters.write_xlsx(records, Path(out), template=o["template"])
        else:
            writer = exporters.write_json if o["format"] == "json" else exporters.write_csv
            if out == "-":
                count = writer(records, sys.stdout)
            else:
                with Path(out).open("w", encoding="utf-8", newline="") as fh:
                    count = writer(records, fh)
        if not o["template"]:
            audit_download_if_non_public(
                action=AuditAction.EXPORT, recommendation_ids=records, what=out, user=user,
                detail={"command": "export", "format": o["format"]},
            )  # fmt: skip
        if out != "-":
            self.stderr.write(f"{count} recommendation(s) written to {out}.")
