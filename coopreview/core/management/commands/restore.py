from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from coopreview.core.backup import BackupError, backup_restore


def print_nothing(message: str) -> None:
    pass


class Command(BaseCommand):
    help = (
        "Replace the database and the uploads with a backup's, then apply migrations and rebuild the "
        "search index. All or nothing: a bad or foreign file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="An archive written by `coopreview backup`.")

    def handle(self, *args, file: str, **options) -> None:
        try:
            restored = backup_restore(
                path=Path(file), log=self.stdout.write if options["verbosity"] else print_nothing
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored the backup of %(date)s: %(r)s rows, %(m)s uploaded files; search index "
                    "rebuilt (%(n)s entries)."
                )
                % {
                    "date": restored.manifest["created_at"],
                    "r": sum(restored.manifest["tables"].values()),
                    "m": restored.media_files,
                    "n": restored.index_rows,
                }
            )
        )
