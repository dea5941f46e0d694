"""CPU and wall time per request of the list page (issue #17), for comparisons on a loaded machine:
`time.process_time()` grows far less with other processes' load than wall time does.

    DATABASE_URL=… COOPREVIEW_DATA_DIR=… ALLOWED_HOSTS=testserver python -m bench.listcpu [ROUNDS]

Needs a `bench.pages build` database (its facilitator). Warms the process as bench.pages does, then for
each page two warm-up requests and ROUNDS timed ones; prints JSON: [median, p95] in ms of each.
"""

import json
import os
import statistics
import sys
import time

import django

PAGES = [
    ("no words", "/recommendations/", False),
    ("words", "/recommendations/?q=Inhumane+Treatment", False),
    ("words (facilitator)", "/recommendations/?q=Inhumane+Treatment", True),
    ("/search/", "/search/?q=Inhumane+Treatment", False),
]


def _median_p95(values: list[float]) -> list[float]:
    ordered = sorted(values)
    return [round(statistics.median(ordered), 1), round(ordered[int(0.95 * len(ordered))], 1)]


def measure(rounds: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    for _ in range(getattr(settings, "GC_FREEZE_AFTER", 0)):  # a server's first requests
        Client().get("/recommendations/?q=warm")
    facilitator = Client()
    facilitator.force_login(User.objects.get(username="bench-reviewer"))
    out = {}
    for name, path, signed_in in PAGES:
        client = facilitator if signed_in else Client()
        for _ in range(2):
            client.get(path)
        wall, cpu = [], []
        for _ in range(rounds):
            started, used = time.perf_counter(), time.process_time()
            client.get(path)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
        out[name] = {"wall": _median_p95(wall), "cpu": _median_p95(cpu)}
    return out


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
    django.setup()
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 40)))
