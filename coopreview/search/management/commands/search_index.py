from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from coopreview.search.indexing import index_rebuild
from coopreview.search.models import SearchEntry


class Command(BaseCommand):
    help = "Rebuild the unified search index (recommendations, profiles, practices, case law, documents)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Empty the index and write it again.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, rebuild: bool, batch_size: int, **options) -> None:
        if not rebuild:
            self.stdout.write(
                _("%(n)s index rows. Use --rebuild to rebuild.") % {"n": SearchEntry.objects.count()}
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
