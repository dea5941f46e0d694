from django.core.management.base import BaseCommand

from coopreview.followup.overall import overall_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every recommendation's stored overall status and its spans over time (followup."
        "OverallStatus and OverallSpan, derived caches that every part write keeps) from the follow-up "
        "parts and their history, and the dashboard's 'over time' deltas (followup.over_time): "
        "after loading parts or history in bulk outside the services, or to repair."
    )

    def handle(self, *args, **options) -> None:
        rows, spans = overall_rebuild()
        self.stdout.write(f"{rows} overall-status rows and {spans} spans written.")
