from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from coopreview.search.indexing import index_rebuild
from coopreview.search.models import SearchEntry, SearchPending


class Command(BaseCommand):
    help = "Rebuild the unified search index (recommendations, profiles, practices, case law, documents)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Empty the index and write it again.")
        parser.add_argument(
            "--sync", action="store_true", help="Apply queued changes to the search engine's index now."
        )
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, rebuild: bool, sync: bool, batch_size: int, **options) -> None:
        if sync:
            from coopreview.search.backends.tantivy_engine import sync as engine_sync

            applied = engine_sync()
            self.stdout.write(_("%(n)s queued changes applied.") % {"n": applied})
            return
        if not rebuild:
            counts = {"n": SearchEntry.objects.count(), "pending": SearchPending.objects.count()}
            self.stdout.write(
                _("%(n)s index rows, %(pending)s changes queued for the engine. Use --rebuild to rebuild.")
                % counts
            )
            return
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        verbosity = options.get("verbosity", 1)

        def progress(n: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"{n}…")

        total = index_rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(_("Search index rebuilt: %(n)s rows.") % {"n": total}))
