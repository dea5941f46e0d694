"""The `coopreview` console script: a thin wrapper over Django's management commands."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["coopreview", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
