"""Times of the pages that summarise the corpus (issue #17), for an anonymous reader (the lineage
review and the pages named "(facilitator)": a signed-in facilitator).

    DATABASE_URL=sqlite:////tmp/x.sqlite3 COOPREVIEW_DATA_DIR=/tmp/x python -m bench.pages build 20000
    DATABASE_URL=… COOPREVIEW_DATA_DIR=… python -m bench.pages measure [ROUNDS] [NAME,NAME…]

`build` migrates an empty database, loads the bench corpus (bench.corpus: real and recombined UPR
recommendations, bulk-loaded), categorises half of the recommendations (follow-up parts, bulk-inserted),
builds the search index, then `extras` (also a command of its own): the parts' history, a reviewer,
a finished suggestion job, and the stored overall statuses (followup_overall_rebuild) of the parts.
`measure` requests each page (or only those NAMEd, exactly as in PAGES) through Django's test client
(no network, DEBUG off) in a warmed process (GC_FREEZE_AFTER requests first, as a server's first
ones), two warm-up requests then ROUNDS timed ones, and prints JSON with the median and p95 in
milliseconds and the number of queries of one request.
"""

import json
import os
import statistics
import sys
import time

import django

PAGES = [
    ("/followup/", "dashboard"),
    ("/followup/?as_of={as_of}", "dashboard, as of"),
    ("/followup/?q=torture", "dashboard, words"),
    ("/followup/schedule/", "schedule"),
    ("/followup/changes/", "changes"),
    ("/followup/changes/?start={start}&end={end}&page=2", "changes, 60 days, page 2"),
    ("/lineage/review/?source={source}&job={job}", "lineage review (facilitator with a finished job)"),
    ("/recommendations/", "list, no words"),
    ("/recommendations/?q=Inhumane+Treatment", "list, words"),
    ("/recommendations/?q=Inhumane+Treatment", "list, words (facilitator)"),
    ("/recommendations/?q=zzzzqqq", "list, no match"),
    ("/search/?q=Inhumane+Treatment", "/search/"),
]


def build(n: int) -> None:
    from django.core.management import call_command

    from bench import corpus
    from coopreview.accounts.services import organisations_load_reference_data
    from coopreview.search.indexing import index_rebuild

    call_command("migrate", verbosity=0)
    organisations_load_reference_data()
    print(corpus.build(n_recommendations=n, n_knowledge=0), flush=True)
    print(followup_data(), flush=True)
    print({"index rows": index_rebuild()}, flush=True)


def followup_data() -> dict:
    """Half of the recommendations categorised for the Court (one follow-up part each, bulk-inserted),
    then `extras`: what the follow-up pages read. Also used by the HTTP harness (bench.inner)."""
    from coopreview.accounts.models import Organisation
    from coopreview.followup.enums import Status
    from coopreview.followup.models import FollowupPart
    from coopreview.recommendations.models import Recommendation

    court = Organisation.objects.get(code="ICC")
    ids = list(Recommendation.objects.order_by("id").values_list("id", flat=True)[::2])
    parts = [
        FollowupPart(
            recommendation_id=i, addressee=court, side="court", lead=court, status=Status.CATEGORISED
        )
        for i in ids
    ]
    FollowupPart.objects.bulk_create(parts, batch_size=5000)
    return {"parts": len(ids), **extras()}


def extras() -> dict:
    """What the pages read besides the records: the parts' history (a creation row each, spread over the
    last 200 days, and an "assessed" row 30 days later for one part in four, the part's status now), a
    reviewer, and a finished suggestion job for one source (the review page shows its stored result)."""
    import datetime

    from django.contrib.auth.models import User
    from django.utils import timezone

    from coopreview.accounts.enums import Role
    from coopreview.accounts.models import Organisation
    from coopreview.accounts.services import membership_grant
    from coopreview.followup.enums import Status
    from coopreview.followup.models import FollowupPart
    from coopreview.followup.overall import overall_rebuild
    from coopreview.jobs.enums import JobKind, JobState
    from coopreview.jobs.models import Job
    from coopreview.recommendations.models import Recommendation

    now = timezone.now()
    _recommendation_history(since=now - datetime.timedelta(days=365))
    history = FollowupPart.history.model
    history.objects.all().delete()
    fields = [f.attname for f in FollowupPart._meta.concrete_fields]
    rows, assessed = [], []
    for n, part in enumerate(FollowupPart.objects.order_by("pk").values(*fields).iterator(chunk_size=5000)):
        made = now - datetime.timedelta(days=200 - n % 200, minutes=n % 1440)
        rows.append(history(**part, history_date=made, history_type="+", history_change_reason="bench"))
        if n % 4 == 0 and made + datetime.timedelta(days=30) < now:
            later = {**part, "status": Status.ASSESSED}
            rows.append(history(**later, history_date=made + datetime.timedelta(days=30), history_type="~"))
            assessed.append(part["id"])
        if len(rows) >= 20000:
            history.objects.bulk_create(rows, batch_size=5000)
            rows = []
    history.objects.bulk_create(rows, batch_size=5000)
    for start in range(0, len(assessed), 5000):
        FollowupPart.objects.filter(pk__in=assessed[start : start + 5000]).update(status=Status.ASSESSED)
    # the parts were written in bulk, around the services that keep the dashboard's stored figures
    overall = overall_rebuild()
    reviewer, _created = User.objects.get_or_create(username="bench-reviewer")
    # a facilitator: reviews suggestions without the second factor that editors must pass
    facilitators = Organisation.objects.get(code="FAC-COOP")
    membership_grant(user=reviewer, organisation=facilitators, role=Role.FACILITATOR)
    source_id = Recommendation.objects.order_by("pk").values_list("source_id", flat=True).first()
    queries = list(Recommendation.objects.filter(source_id=source_id).values_list("pk", flat=True)[:40])
    others = list(Recommendation.objects.exclude(source_id=source_id).values_list("pk", flat=True)[:200])
    pairs = [[q, others[(i * 5 + k) % len(others)], 0.5 - k / 100, False] for i, q in enumerate(queries)
             for k in range(5)]  # fmt: skip
    Job.objects.filter(kind=JobKind.LINEAGE_SUGGEST, owner=reviewer).delete()
    job = Job.objects.create(kind=JobKind.LINEAGE_SUGGEST, owner=reviewer, state=JobState.DONE,
                             params={"source": source_id}, result={"pairs": pairs, "notes": []})  # fmt: skip
    rows_now = history.objects.count()
    return {"history rows": rows_now, "assessed": len(assessed), "job": job.pk, "overall": overall}


def _recommendation_history(*, since) -> None:
    """A creation row for each recommendation (and its restricted organisations) a year ago: the as-of
    pages show only what the reader could open at that date (accounts.layers.PastLayers)."""
    from django.db import connection

    from coopreview.recommendations.models import Recommendation

    history = Recommendation.history.model
    kept = {f.column for f in history._meta.concrete_fields}
    columns = [f.column for f in Recommendation._meta.concrete_fields if f.column in kept]
    table, hist = Recommendation._meta.db_table, history._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{hist}_restricted_to"')  # noqa: S608 — our own table names
        cursor.execute(f'DELETE FROM "{hist}"')  # noqa: S608
        cursor.execute(
            f'INSERT INTO "{hist}" ({names}, history_date, history_type, history_change_reason) '  # noqa: S608
            f"SELECT {names}, %s, '+', 'bench' FROM \"{table}\"",
            [since],
        )
        through = Recommendation.restricted_to.through._meta.db_table
        cursor.execute(
            f'INSERT INTO "{hist}_restricted_to" (id, history_id, organisation_id, recommendation_id) '  # noqa: S608
            f'SELECT t.id, h.history_id, t.organisation_id, t.recommendation_id FROM "{through}" t '
            f'JOIN "{hist}" h ON h.id = t.recommendation_id'
        )


def _chosen(only: str) -> set[str]:
    """The PAGES names in `only`, comma-separated although names hold commas ("dashboard, as of"): from
    the left, the longest run of comma-separated pieces that is a name."""
    names = {name for _path, name in PAGES}
    pieces = only.split(",") if only else []
    chosen, i = set(), 0
    while i < len(pieces):
        runs = [j for j in range(len(pieces), i, -1) if ",".join(pieces[i:j]) in names]
        if not runs:
            raise SystemExit(f"No page named {pieces[i]!r}; the names are: {sorted(names)}")
        chosen.add(",".join(pieces[i : runs[0]]))
        i = runs[0]
    return chosen


def measure(rounds: int, only: str = "") -> dict:
    import datetime

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from coopreview.jobs.enums import JobKind
    from coopreview.jobs.models import Job

    client = Client()
    reviewer = Client()
    job = Job.objects.filter(kind=JobKind.LINEAGE_SUGGEST, owner__username="bench-reviewer").last()
    reviewer.force_login(User.objects.get(username="bench-reviewer"))
    today = datetime.date.today()
    values = {
        "as_of": today - datetime.timedelta(days=60),
        "start": today - datetime.timedelta(days=90),
        "end": today - datetime.timedelta(days=30),
        "source": job.params["source"],
        "job": job.pk,
    }
    # A server process's warm-up: after its first GC_FREEZE_AFTER responses it freezes its heap
    # (core.middleware.FreezeWarmHeapMiddleware); timed requests come from a warm process, not the freeze.
    for _ in range(settings.GC_FREEZE_AFTER):
        Client().get("/recommendations/?q=warm")
    out = {}
    chosen = _chosen(only)
    for template, name in PAGES:
        if only and name not in chosen:
            continue
        path = template.format(**values)
        signed_in = path.startswith("/lineage/") or "(facilitator)" in name
        client = reviewer if signed_in else Client()
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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopreview.config.settings")
    django.setup()
    if sys.argv[1] == "build":
        build(int(sys.argv[2]))
    elif sys.argv[1] == "extras":
        print(extras())
    else:
        rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
        print(json.dumps(measure(rounds, sys.argv[3] if len(sys.argv) > 3 else "")))
