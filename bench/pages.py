"""Times of the pages that summarise the corpus (issue #17), for an anonymous reader.

    DATABASE_URL=sqlite:////tmp/x.sqlite3 COOPREVIEW_DATA_DIR=/tmp/x python -m bench.pages build 20000
    DATABASE_URL=… COOPREVIEW_DATA_DIR=… python -m bench.pages measure [ROUNDS]

`build` migrates an empty database, loads the bench corpus (bench.corpus: real and recombined UPR
recommendations, bulk-loaded), categorises half of the recommendations (follow-up parts, bulk-inserted
without history) and builds the search index. `measure` requests each page through Django's test
client (no network, DEBUG off), two warm-up requests then ROUNDS timed ones, and prints JSON with the
median and p95 in milliseconds and the number of queries of one request.
"""

import json
import statistics
import sys
import time

import django

PAGES = [
    ("/followup/", "dashboard"),
    ("/followup/?q=torture", "dashboard, words"),
    ("/followup/schedule/", "schedule"),
    ("/followup/changes/", "changes"),
    ("/recommendations/?q=Inhumane+Treatment", "list, words"),
    ("/recommendations/?q=zzzzqqq", "list, no match"),
    ("/search/?q=Inhumane+Treatment", "/search/"),
]


def build(n: int) -> None:
    from django.core.management import call_command

    from bench import corpus
    from coopreview.accounts.models import Organisation
    from coopreview.accounts.services import organisations_load_reference_data
    from coopreview.followup.enums import Status
    from coopreview.followup.models import FollowupPart
    from coopreview.recommendations.models import Recommendation
    from coopreview.search.indexing import index_rebuild

    call_command("migrate", verbosity=0)
    organisations_load_reference_data()
    print(corpus.build(n_recommendations=n, n_knowledge=0), flush=True)
    court = Organisation.objects.get(code="ICC")
    ids = list(Recommendation.objects.order_by("id").values_list("id", flat=True)[::2])
    parts = [
        FollowupPart(
            recommendation_id=i, addressee=court, side="court", lead=court, status=Status.CATEGORISED
        )
        for i in ids
    ]
    FollowupPart.objects.bulk_create(parts, batch_size=5000)
    print({"parts": len(ids), "index rows": index_rebuild()}, flush=True)


def measure(rounds: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out = {}
    for path, name in PAGES:
        for _ in range(2):
            assert client.get(path).status_code == 200, path
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        times.sort()
        out[name] = {
            "path": path,
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
            "queries": len(queries),
        }
        print(name, out[name], flush=True)
    return out


if __name__ == "__main__":
    django.setup()
    if sys.argv[1] == "build":
        build(int(sys.argv[2]))
    else:
        print(json.dumps(measure(int(sys.argv[2]) if len(sys.argv) > 2 else 20)))
