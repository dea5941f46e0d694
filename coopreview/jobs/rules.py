import rules

from coopreview.accounts.rules import is_administrator


@rules.predicate
def is_owner(user, job) -> bool:
    return job is None or (job.owner_id is not None and job.owner_id == user.pk)


rules.add_perm("jobs.view_own_jobs", rules.is_authenticated)
rules.add_perm("jobs.view_job", rules.is_authenticated & (is_owner | is_administrator))
