import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 — after setup

from coopreview.config.production import secret_key_problem  # noqa: E402

if problem := secret_key_problem(settings):
    raise ImproperlyConfigured(problem)  # refuse to serve: see secret_key_problem
