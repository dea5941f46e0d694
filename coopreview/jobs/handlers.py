"""The job kinds: each handler is idempotent (keyed by its job) and reports progress."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from coopreview.jobs.enums import JobKind
from coopreview.jobs.models import Job
from coopreview.jobs.services import JobContext, handler


@handler(JobKind.SEARCH_REINDEX)
def search_reindex(job: Job, context: JobContext) -> dict:
    """Replace the search rows of the recommendations written in bulk (replacing twice is harmless)."""
    from coopreview.search.indexing import recommendations_reindex

    ids = job.params.get("ids", [])
    done = 0
    for start in range(0, len(ids), 2000):
        done += recommendations_reindex(ids=ids[start : start + 2000])
        context.progress(min(start + 2000, len(ids)), len(ids))
    return {"rows": done}


@handler(JobKind.REMINDERS)
def reminders(job: Job, context: JobContext) -> dict:
    """The daily reminders (`coopreview remind`): at most once per item and day by design, so a
    retried run sends nothing twice."""
    out = StringIO()
    call_command("remind", stdout=out)
    return {"output": out.getvalue()[-2000:]}


def import_handlers() -> None:
    from coopreview.importers import jobs  # noqa: F401  (registers import.parse and import.apply)
    from coopreview.lineage import jobs as lineage_jobs  # noqa: F401  (registers lineage.suggest)
    from coopreview.reports import jobs as report_jobs  # noqa: F401  (registers reports.build)


import_handlers()
