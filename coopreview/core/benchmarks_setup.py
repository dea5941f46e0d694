"""Django for an app's benchmark run on its own (`python -m coopreview.<app>.benchmarks`): a throw-away
SQLite database in `workdir`, migrated. Under `coopreview bench`, Django is already set up on the bench
database and this does nothing."""

import os
import pathlib


def django_for_benchmark(workdir: pathlib.Path, name: str) -> None:
    from django.conf import settings

    if settings.configured:
        return
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("COOPREVIEW_DATA_DIR", str(workdir / "var"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / f'bench-{name}.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
