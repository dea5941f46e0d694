from django.core.management.base import BaseCommand

from coopreview.followup.overall import overall_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every recommendation's stored overall status and its spans over time (followup."
        "OverallStatus and OverallSpan), the dashboard's counts (followup.Tally and TallyFacts) and its "
        "'over time' deltas (followup.over_time), derived caches that every write keeps, from the "
        "recommendations, the follow-up parts and their history: after loading records, parts or history "
        "in bulk outside the services, or to repair."
    )

    def handle(self, *args, **options) -> None:
        rows, spans = overall_rebuild()
        self.stdout.write(f"{rows} overall-status rows and {spans} spans written.")
