from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a personal access token may do: read only, or read and write (as its owner may on the web)."""

    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
