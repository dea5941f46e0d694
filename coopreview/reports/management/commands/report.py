"""coopreview report NAME --format pdf|docx|xlsx|html [--lang] [--as-of] [--since] [filters] -o FILE"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_download_if_non_public
from coopreview.reports.builders import ReportError, ReportOptions, build_report, report_recommendation_ids
from coopreview.reports.exporters import export
from coopreview.reports.filters import FilterError, filters_from_names
from coopreview.reports.forms import ReportParamsForm


class Command(BaseCommand):
    help = "Write an annex table, a progress report or a recommendation sheet as PDF, Word, Excel or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", help="annex, progress or sheet")
        parser.add_argument("--format", "-f", dest="format", required=True, help="pdf, docx, xlsx or html")
        parser.add_argument("--lang", default="en", help="en or fr (labels and content)")
        parser.add_argument("--as-of", dest="as_of", default="", help="YYYY-MM-DD: statuses at that date")
        parser.add_argument("--since", default="", help="YYYY-MM-DD: changes since that date")
        parser.add_argument("--columns", default="", help="comma-separated: " + ", ".join(_columns()))
        parser.add_argument("--reference", default="", help="the recommendation of a sheet")
        parser.add_argument("--title", default="", help="the document's title (default: by report)")
        parser.add_argument("--sheet-per-cluster", action="store_true", help="xlsx: one sheet per cluster")
        parser.add_argument("--source", default="", help="document symbol, e.g. ICC-ASP/19/16")
        parser.add_argument("--section", default="", help="cluster or section title (or id)")
        parser.add_argument("--addressee", default="", help="court, assembly, both or state")
        parser.add_argument("--organ", default="", help="organisation code, e.g. OTP")
        parser.add_argument("--flag", default="", help="priority flag name")
        parser.add_argument("--theme", default="", help="theme slug or name")
        parser.add_argument("--q", default="", help="full-text search")
        parser.add_argument(
            "--as-user",
            dest="as_user",
            default="",
            help="report what this user may see (default: the public records only)",
        )
        parser.add_argument("-o", "--output", required=True, help="the file to write")

    def handle(self, *args, **opts) -> None:
        lang = opts["lang"] if opts["lang"] in ("en", "fr") else "en"
        with translation.override(lang):
            self._handle(opts)

    def _handle(self, opts: dict) -> None:
        form = ReportParamsForm(
            {
                "report": opts["report"],
                "format": opts["format"],
                "lang": opts["lang"],
                "as_of": opts["as_of"],
                "since": opts["since"],
                "columns": opts["columns"],
                "reference": opts["reference"],
                "title": opts["title"],
                "sheet_per_cluster": opts["sheet_per_cluster"],
            }
        )
        if not form.is_valid():
            raise CommandError(form.errors_text())
        params = form.cleaned_data
        user = self._user(opts["as_user"])
        try:
            filters = filters_from_names(
                user=user,
                source=opts["source"],
                section=opts["section"],
                addressee=opts["addressee"],
                organ=opts["organ"],
                flag=opts["flag"],
                theme=opts["theme"],
                q=opts["q"],
            )
            options = ReportOptions(
                user=user,
                lang=params["lang"] or "en",
                as_of=params["as_of"],
                since=params["since"],
                filters=filters,
                columns=params["columns"],
                reference=params["reference"],
                title=params["title"],
            )
            report = build_report(params["report"], options)
        except (ReportError, FilterError) as exc:
            raise CommandError(str(exc)) from exc
        output = Path(opts["output"])
        extra = {"sheet_per_cluster": params["sheet_per_cluster"]} if params["format"] == "xlsx" else {}
        try:
            export(report, params["format"], output, **extra)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": output, "error": exc}
            ) from exc
        audit_download_if_non_public(
            action=AuditAction.EXPORT,
            recommendation_ids=report_recommendation_ids(report),
            what=str(output),
            user=user,
            detail={"report": params["report"], "format": params["format"], "command": "report"},
        )
        if not opts["as_user"]:
            sys.stderr.write(_("Public records only (use --as-user to report what a user may see).") + "\n")
        self.stdout.write(_("Wrote %(path)s") % {"path": output})

    def _user(self, username: str):
        if not username:
            return AnonymousUser()
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(_("No active user named “%(name)s”.") % {"name": username}) from exc


def _columns() -> list[str]:
    from coopreview.reports.enums import Column

    return list(Column.values)
