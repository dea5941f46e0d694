import threading

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max
from django.utils.translation import gettext as _

from coopreview.search.indexing import index_rebuild
from coopreview.search.models import SearchChange, SearchEntry


class Command(BaseCommand):
    help = "Rebuild the unified search index (recommendations, profiles, practices, case law, documents)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Empty the index and write it again.")
        parser.add_argument(
            "--sync", action="store_true", help="Apply the change log to this server's engine index now."
        )
        parser.add_argument(
            "--follow", action="store_true", help="Keep this server's engine index in step until stopped."
        )
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between --follow steps.")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(
        self, *args, rebuild: bool, sync: bool, follow: bool, interval: float, batch_size: int, **options
    ):
        from coopreview.search.follower import follow_forever, search_follow_once

        if sync:
            result = search_follow_once()
            applied = result.applied if result else 0
            self.stdout.write(_("%(n)s logged changes applied.") % {"n": applied})
            return
        if follow:
            if interval <= 0:
                raise CommandError(_("--interval must be more than 0 seconds."))
            self.stdout.write(_("Following the search change log (Ctrl+C to stop)."))
            try:
                follow_forever(interval=interval, stop=threading.Event())
            except KeyboardInterrupt:
                pass
            return
        if not rebuild:
            self._status()
            return
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        verbosity = options.get("verbosity", 1)

        def progress(n: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"{n}…")

        total = index_rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(_("Search index rebuilt: %(n)s rows.") % {"n": total}))

    def _status(self) -> None:
        from coopreview.search.backends import get_backend
        from coopreview.search.backends import tantivy_engine as engine

        last = SearchChange.objects.aggregate(m=Max("id"))["m"] or 0
        counts = {"n": SearchEntry.objects.count(), "last": last}
        self.stdout.write(_("%(n)s index rows; change log at %(last)s.") % counts)
        if isinstance(get_backend(), engine.TantivyBackend):
            root = engine.index_dir()
            generation = engine._current_generation(root)
            cursor = engine.read_cursor(root, generation) if generation else None
            if cursor is None:
                self.stdout.write(_("This server's engine index: none yet (the follower builds it)."))
            else:
                behind = SearchChange.objects.filter(id__gt=cursor).count()
                self.stdout.write(
                    _("This server's engine index: cursor %(cursor)s, %(behind)s changes to apply.")
                    % {"cursor": cursor, "behind": behind}
                )
        self.stdout.write(_("Use --rebuild to rebuild, --follow to keep this server's index in step."))
