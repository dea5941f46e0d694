"""The progress report: counts by status per source and cluster, each status as of a date, changes since."""


def build_progress(options):
    from coopreview.reports.builders.common import ReportError

    raise ReportError("progress: not yet")
