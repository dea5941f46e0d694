from django.core.management.base import BaseCommand

from coopreview.followup.overall import overall_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every recommendation's stored overall status (followup.OverallStatus, a derived cache "
        "that every part write keeps) from the follow-up parts: after loading parts in bulk outside the "
        "services, or to repair."
    )

    def handle(self, *args, **options) -> None:
        written = overall_rebuild()
        self.stdout.write(f"{written} overall-status rows written.")
