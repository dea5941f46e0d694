"""Suggestions asked for on the web run as a background job: fitting the similarity model on every
candidate of a large set takes longer than a request should (the command line, `coopreview link
suggest`, keeps calling the selector directly).

The job keeps only pairs of ids and scores; the review page reads the records again, as the viewer,
when it shows them (a record hidden since is left out) and leaves out the pairs linked or rejected
since. Idempotent: the same request of the same user on the same data reuses the job.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from coopreview.core.exceptions import ServiceError
from coopreview.jobs.enums import JobKind, JobState
from coopreview.jobs.models import Job
from coopreview.jobs.services import JobContext, data_version, handler, job_enqueue_once
from coopreview.lineage import selectors
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import recommendations_visible_to, sources_visible_to

# What the model is fitted on: the recommendations and who may see them. Links and rejections made
# meanwhile do not need a new fit: the page leaves those pairs out when it shows the result.
DATA_APPS = ("accounts", "recommendations")


def suggest_job_start(*, user: User, params: dict, title: str) -> Job:
    """The job computing these suggestions for `user`: an identical one (same data), or a new one."""
    payload = {"user": user.pk, "params": params, "data": data_version(app_labels=DATA_APPS)}
    key = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    job, _created = job_enqueue_once(kind=JobKind.LINEAGE_SUGGEST, owner=user, key=key, params=params,
                                     title=title)  # fmt: skip
    return job


def suggest_job_get(*, user: User, pk: int) -> Job:
    """The viewer's own suggestion job; Job.DoesNotExist otherwise (→ 404)."""
    return Job.objects.get(kind=JobKind.LINEAGE_SUGGEST, owner=user, pk=pk)


def suggest_job_results(*, job: Job, user: User) -> list[selectors.Suggestion]:
    """The job's suggestions as `user` may see them now, without the pairs linked or rejected since."""
    if job.state != JobState.DONE:
        return []
    pairs = job.result.get("pairs", [])
    ids = {pk for pair in pairs for pk in pair[:2]}
    visible = recommendations_visible_to(user=user).filter(pk__in=ids).select_related("source")
    records = {r.pk: r for r in visible}
    excluded = selectors.excluded_pairs({pair[0] for pair in pairs})
    found = []
    for query, candidate, score, same_party in pairs:
        if query in records and candidate in records and (query, candidate) not in excluded:
            if (candidate, query) not in excluded:
                found.append(selectors.Suggestion(records[query], records[candidate], score, same_party))
    return found


@handler(JobKind.LINEAGE_SUGGEST)
def suggest(job: Job, context: JobContext) -> dict:
    """Fit the model and rank, as the owner (their visibility). Nothing is written but the result."""
    user = job.owner
    if user is None:
        raise ServiceError(_("The account that asked for these suggestions no longer exists."))
    p = job.params
    if p.get("rec"):
        queries = Recommendation.objects.filter(pk=p["rec"])
    else:
        queries = Recommendation.objects.filter(source_id=p.get("source"))
    target = sources_visible_to(user=user).filter(pk=p["target"]).first() if p.get("target") else None
    if p.get("target") and target is None:
        raise ServiceError(_("The source to compare with is no longer open to you."))
    notes: list[str] = []
    found = selectors.suggestions(
        notes=notes,
        user=user,
        queries=queries,
        target=target,
        method=p.get("method") or "tfidf",
        widen=bool(p.get("widen")),
        same_source=bool(p.get("rec")),
        top=int(p.get("top") or 5),
        progress=context.progress,
    )
    pairs = [[s.query.pk, s.candidate.pk, float(s.score), bool(s.same_party)] for s in found]
    return {"pairs": pairs, "notes": notes}
