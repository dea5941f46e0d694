from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from coopreview.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Write the database and the uploads to one archive (consistent while the platform serves)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="The archive to write (.tar.gz).")

    def handle(self, *args, output: str, **options) -> None:
        try:
            manifest = backup_create(output=Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(f)s: %(engine)s database, %(t)s tables, %(r)s rows, "
                    "%(m)s uploaded files."
                )
                % {
                    "f": output,
                    "engine": manifest["engine"],
                    "t": len(manifest["tables"]),
                    "r": sum(manifest["tables"].values()),
                    "m": manifest["media_files"],
                }
            )
        )
