"""Large reports as background jobs: an annex or progress report of more than REPORTS_JOB_THRESHOLD
recommendations is built by a worker (coopreview worker), not in the web request, which a 20,000-row PDF
would outlast; the queue's few workers also bound how many are built at once.

Ownership: a signed-in user's job is theirs (the owner). An anonymous visitor's job has no owner; the
session keeps the ids of the jobs it asked for, and only those are shown and downloadable. Every
anonymous visitor sees the same (public) records, so identical anonymous requests share one job.

Idempotence: a job's key hashes the report's parameters, the audience (the user, or "public"), the day
and the data version (the latest change to recommendations, organisations, memberships and follow-up):
asking again for the same report of the same data reuses the waiting, running or finished job.

Limits: REPORTS_JOBS_PER_CLIENT jobs waiting or running per user, per anonymous session and per
anonymous address (a keyed digest of it, never the address itself).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from coopreview.accounts.selectors import AnyUser
from coopreview.audit.services import non_public_ids
from coopreview.core.exceptions import ServiceError
from coopreview.jobs.enums import JobKind, JobState
from coopreview.jobs.models import Job
from coopreview.jobs.services import (
    JobContext,
    data_version,
    handler,
    job_attach_file,
    job_enqueue_once,
    job_reusable,
)
from coopreview.reports.enums import ReportFormat, ReportName
from coopreview.reports.making import ReportRequest, query_from, report_make, report_query, report_request

SESSION_JOBS = "report_jobs"  # the ids of the report jobs an anonymous session asked for
SESSION_JOBS_KEPT = 50
LIVE = (JobState.QUEUED, JobState.RUNNING)
JOB_REPORTS = (ReportName.ANNEX, ReportName.PROGRESS)  # a sheet is one recommendation: always at once
# Whose changes can change a report: the records, who may see them (organisations, memberships, layers)
# and their follow-up. Other apps' history (jobs themselves, imports in progress, audit) does not count.
DATA_APPS = ("accounts", "recommendations", "followup")


class TooManyReportJobs(ServiceError):
    pass


def _audience(user: AnyUser) -> str:
    return f"user:{user.pk}" if user.is_authenticated else "public"


def report_job_key(*, query: dict, user: AnyUser, ui_lang: str) -> str:
    payload = {
        "query": query,
        "ui": ui_lang,
        "audience": _audience(user),
        "day": timezone.localdate().isoformat(),
        "data": data_version(app_labels=DATA_APPS),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def requester_digest(request: HttpRequest) -> str:
    """A keyed digest of the visitor's address: enough to count their jobs, useless to anyone else."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return salted_hmac("coopreview.reports.requester", address).hexdigest()[:40]


def session_job_ids(request: HttpRequest) -> list[int]:
    return [int(pk) for pk in request.session.get(SESSION_JOBS, []) if str(pk).isdigit()]


def _title(req: ReportRequest, size: int) -> str:
    p = req.params
    return _("%(report)s (%(format)s) of more than %(n)s recommendations") % {
        "report": ReportName(p["report"]).label,
        "format": ReportFormat(p["format"]).label,
        "n": size,
    }


def report_job_start(*, request: HttpRequest, query: QueryDict, req: ReportRequest, size: int) -> Job:
    """The job that builds this report for this visitor: an identical one already waiting, running or
    done (kept), or a new one within the visitor's limit. Raises TooManyReportJobs over the limit."""
    user = request.user
    query = report_query(query)
    ui_lang = translation.get_language() or settings.LANGUAGE_CODE
    key = report_job_key(query=query, user=user, ui_lang=ui_lang)
    owner = user if user.is_authenticated else None
    limit = settings.REPORTS_JOBS_PER_CLIENT
    mine = Job.objects.filter(kind=JobKind.REPORT_BUILD, state__in=LIVE)
    requester = ""
    if owner is not None:
        busy = mine.filter(owner=owner)
    else:
        requester = requester_digest(request)
        busy = mine.filter(Q(owner=None) & (Q(pk__in=session_job_ids(request)) | Q(requester=requester)))
    # Asking again for a report already on its way (or ready) costs nothing: no limit applies.
    if job_reusable(kind=JobKind.REPORT_BUILD, owner=owner, key=key) is None and busy.count() >= limit:
        raise TooManyReportJobs(
            _("You already have %(n)s reports being prepared. Wait until one is ready, then ask again.")
            % {"n": limit}
        )
    job, _created = job_enqueue_once(
        kind=JobKind.REPORT_BUILD,
        owner=owner,
        key=key,
        params={"query": query, "ui_lang": ui_lang, "audience": _audience(user)},
        title=_title(req, size),
        requester=requester,
        expires_at=timezone.now() + timedelta(hours=settings.REPORTS_FILE_HOURS),
    )
    if owner is None:
        ids = [pk for pk in session_job_ids(request) if pk != job.pk] + [job.pk]
        request.session[SESSION_JOBS] = ids[-SESSION_JOBS_KEPT:]
    return job


def report_job_get(*, request: HttpRequest, pk: int) -> Job:
    """A report job this visitor may see: their own, or (anonymous) one their session asked for.
    Raises Job.DoesNotExist otherwise (→ 404: another visitor's job does not exist for them)."""
    jobs = Job.objects.filter(kind=JobKind.REPORT_BUILD)
    if request.user.is_authenticated:
        jobs = jobs.filter(owner=request.user)
    else:
        jobs = jobs.filter(owner=None, pk__in=session_job_ids(request))
    return jobs.get(pk=pk)


@handler(JobKind.REPORT_BUILD)
def report_build(job: Job, context: JobContext) -> dict:
    """Build the report exactly as the synchronous download does (reports/making.py), as the owner —
    or as an anonymous visitor — and keep the file. Run again, it builds and replaces the file."""
    params = job.params
    if params.get("audience", "public") != "public" and job.owner_id is None:
        raise ServiceError(_("The account that asked for this report no longer exists."))
    user = job.owner if job.owner_id else AnonymousUser()
    with translation.override(params.get("ui_lang") or settings.LANGUAGE_CODE):
        req = report_request(query=query_from(params.get("query", {})), user=user)
        made = report_make(req, progress=context.progress)
        context.progress(2, 2, _("Saving the file"))
        job_attach_file(job=job, name=f"{uuid.uuid4().hex}.{req.params['format']}", content=made.content)
    expires = timezone.now() + timedelta(hours=settings.REPORTS_FILE_HOURS)
    Job.objects.filter(pk=job.pk).update(expires_at=expires)
    return {
        "filename": made.filename,
        "media_type": made.media_type,
        "report": req.params["report"],
        "format": req.params["format"],
        "rows": len(made.recommendation_ids),
        "bytes": len(made.content),
        # for the audit log at download: only the records that make a download worth recording
        "non_public": non_public_ids(made.recommendation_ids),
    }
