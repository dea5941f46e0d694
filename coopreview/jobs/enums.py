from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobKind(models.TextChoices):
    IMPORT_PARSE = "import.parse", _("Read an import file")
    IMPORT_APPLY = "import.apply", _("Apply an import")
    SEARCH_REINDEX = "search.reindex", _("Update the search index")
    REMINDERS = "followup.remind", _("Send the daily reminders")
    REPORT_BUILD = "reports.build", _("Build a report")
    LINEAGE_SUGGEST = "lineage.suggest", _("Suggest related recommendations")
    WEBHOOK_DELIVERY = "webhooks.deliver", _("Deliver a webhook")
