"""Report data builders: plain dataclasses, built from selectors that filter by the user's visibility.

Exporters only lay these out; nothing they receive is something the user may not see.
"""

from coopreview.reports.builders.annex import build_annex
from coopreview.reports.builders.common import ReportError, ReportOptions
from coopreview.reports.builders.progress import build_progress
from coopreview.reports.builders.sheet import build_sheet

BUILDERS = {"annex": build_annex, "progress": build_progress, "sheet": build_sheet}


def build_report(name: str, options: ReportOptions):
    """The report's data for `options.user`, in `options.lang`; raises ReportError on bad input."""
    return BUILDERS[name](options)


def report_recommendation_ids(report) -> list[int]:
    """The recommendations a built report holds (annex and progress: rows; sheet: its one row), for
    the audit log's record of downloads that include non-public records."""
    rows = report.rows if hasattr(report, "rows") else [report.row]
    return [row.pk for row in rows]


__all__ = [
    "build_report",
    "report_recommendation_ids",
    "ReportError",
    "ReportOptions",
    "build_annex",
    "build_progress",
    "build_sheet",
]
