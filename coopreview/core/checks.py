"""Deployment checks (`coopreview check --deploy`), beside Django's own security checks."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from coopreview.config.production import replica_problem, secret_key_problem


@register(Tags.security, deploy=True)
def check_shared_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    problem = secret_key_problem(settings)
    return [Error(problem, id="coopreview.E001")] if problem else []


@register()  # every command that runs checks, not only --deploy
def check_replicas(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    problem = replica_problem(settings)
    return [Error(problem, id="coopreview.E002")] if problem else []
