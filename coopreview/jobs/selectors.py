from django.contrib.auth.models import User
from django.db.models import QuerySet

from coopreview.accounts.enums import Role
from coopreview.accounts.selectors import user_has_role
from coopreview.jobs.models import Job


def jobs_visible_to(*, user: User) -> QuerySet[Job]:
    """A user's own jobs; administrators see every job (the system's reminders and index updates too)."""
    jobs = Job.objects.select_related("owner")
    if user.is_superuser or user_has_role(user, Role.ADMINISTRATOR):
        return jobs
    return jobs.filter(owner=user)
