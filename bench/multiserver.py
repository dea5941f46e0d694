"""Several servers (issue 16, item 3): two application servers on one database, each with its own
search index following the database's change log (coopreview/search/follower.py).

After the corpus and server A's index are built, the bench starts
- server A: gunicorn on the bench's data directory and the index the run built, its follower on (as
  `coopreview serve` starts it);
- server B: gunicorn on a data directory of its own with no index, as a new server joining: its
  follower builds the index from the database and then follows the log. Timed until its cursor,
  registered in the database, reaches the log's last id at its start (the catch-up).

Then, both up:
- /search/ on A and on B, as the anonymous visitor, every query of the published sets (the first
  `per_kind` of each on the smoke scales), one client, the two servers in a shuffled order per query.
  The two answers' sets of result links are compared: a B whose index differs from A's is counted;
- propagation: N edits through A's web form (a signed-in editor), each adding a new word to a public
  recommendation; for each, the time from A's answer (the commit) until B's /search/ for that word lists
  it, polled every 20 ms (A's own search polled alongside). A random pause of up to one follower interval
  between edits, so that an edit does not always land at the same point of B's follow loop.

The follower interval is the platform's (SEARCH_FOLLOW_INTERVAL, 1 s unless set): the lag is what a
deployment with that setting gets, not a tuned figure.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
import urllib.parse
from pathlib import Path

EDITS = 20
POLL_SECONDS = 0.02
LAG_TIMEOUT_SECONDS = 60.0
CATCH_UP_TIMEOUT_SECONDS = 4 * 3600  # a rebuild of 1.1 M entries on a busy 2-core machine
WORKERS = 3  # per server, as the single-server measurement
LINK = re.compile(r'href="(/(?:recommendations|knowledge)/[^"/?#]+/)"')


def follow_interval() -> float:
    return float(os.environ.get("SEARCH_FOLLOW_INTERVAL", "1"))


def lag_summary(seconds: list[float]) -> dict:
    """Median, p95 and max in milliseconds (the same p95 as bench.httpbench.summary)."""
    from bench.httpbench import summary

    return summary([s * 1000 for s in seconds])


def measure(*, work: Path, port_a: int, port_b: int, per_kind: int | None, log=print) -> dict:
    """Start A and B, measure, stop both; every figure in one dict (see the module docstring)."""
    from django.conf import settings

    from bench import load, memory

    out: dict = {
        "workers_per_server": WORKERS,
        "follow_interval_s": follow_interval(),
        "load_average_before": list(os.getloadavg()),
    }
    data_b = work / "var-server-b"
    shutil.rmtree(data_b, ignore_errors=True)
    index_b = data_b / "search-index"
    common = {"COOPREVIEW_SEARCH_FOLLOWER": "1", "MFA_REQUIRED": "false"}
    servers: dict = {}
    try:
        log("  several servers: server A (the run's index), following the change log")
        servers["A"] = load.start_gunicorn(port_a, WORKERS, work / "gunicorn-a.log", env=common)
        head = _log_head()
        log(f"  several servers: server B, a new one with no index (the change log is at {head})")
        start = time.monotonic()
        servers["B"] = load.start_gunicorn(
            port_b,
            WORKERS,
            work / "gunicorn-b.log",
            env=common
            | {
                "COOPREVIEW_DATA_DIR": str(data_b),
                "SEARCH_INDEX_DIR": str(index_b),
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),  # uploads: storage both servers see
            },
        )
        listening = time.monotonic() - start
        out["catch_up"] = _wait_caught_up(index_b, head, start, servers["B"])
        out["catch_up"]["listening_s"] = round(listening, 2)
        out["catch_up"]["index_mb"] = round(
            sum(f.stat().st_size for f in index_b.rglob("*") if f.is_file()) / 1e6, 1
        )
        log(f"  server B caught up in {out['catch_up']['seconds']} s (listening after {listening:.1f} s)")
        out["search"] = search_both(port_a, port_b, per_kind=per_kind, log=log)
        out["propagation"] = propagation(port_a, port_b, log=log)
        out["memory_mb"] = {name: memory.tree_peak_mb(proc.pid) for name, proc in servers.items()}
    finally:
        for proc in servers.values():
            load.stop(proc)
    out["load_average_after"] = list(os.getloadavg())
    return out


def _log_head() -> int:
    from django.db.models import Max

    from coopreview.search.backends.tantivy_engine import pruned_through
    from coopreview.search.models import SearchChange

    return max(SearchChange.objects.aggregate(m=Max("id"))["m"] or 0, pruned_through())


def _wait_caught_up(index_b: Path, head: int, start: float, proc) -> dict:
    """Until B's follower registered a cursor at or past `head` (it does after its first step: the
    rebuild from the database, which starts its cursor at the log's last id)."""
    from django.db import connection

    from coopreview.search.backends.tantivy_engine import follower_name
    from coopreview.search.models import SearchFollower

    name = follower_name(index_b)
    while time.monotonic() - start < CATCH_UP_TIMEOUT_SECONDS:
        if proc.poll() is not None:
            raise RuntimeError(f"server B exited ({proc.returncode}) before its index caught up")
        cursor = SearchFollower.objects.filter(name=name).values_list("cursor", flat=True).first()
        connection.close()  # no transaction held open while B rebuilds
        if cursor is not None and cursor >= head:
            return {"seconds": round(time.monotonic() - start, 2), "cursor": cursor, "log_head": head}
        time.sleep(0.1)
    raise RuntimeError(f"server B's index did not catch up within {CATCH_UP_TIMEOUT_SECONDS} s")


def search_both(port_a: int, port_b: int, *, per_kind: int | None, log=print) -> dict:
    """/search/ on A and B, anonymous, each published query, the two servers in a shuffled order."""
    from bench import httpbench, querysets

    sets = {kind: queries[:per_kind] for kind, queries in querysets.load().items()}
    clients = {"A": httpbench.Client(port_a), "B": httpbench.Client(port_b)}
    for queries in sets.values():  # one warm-up pass over every URL, on both
        for q in queries:
            for client in clients.values():
                client.get(httpbench.platform_paths(q)["platform_search"])
    order = random.Random(httpbench.SHUFFLE_SEED)
    samples: dict = {"A": {}, "B": {}}
    failures: list[dict] = []
    differing: list[str] = []
    for kind, queries in sets.items():
        for q in queries:
            path = httpbench.platform_paths(q)["platform_search"]
            names = ["A", "B"]
            order.shuffle(names)
            links = {}
            for name in names:
                elapsed, status, body = clients[name].get(path)
                if status != 200:
                    failures.append({"server": name, "q": q, "status": status})
                samples[name].setdefault(kind, []).append(elapsed)
                # As sets: two indexes of the same rows may order equal scores differently.
                links[name] = set(LINK.findall(body.decode("utf-8", "replace")))
            if links["A"] != links["B"]:
                differing.append(q)
    out: dict = {"queries": {kind: len(v) for kind, v in sets.items()}, "servers": {}}
    for name, kinds in samples.items():
        every = [x for v in kinds.values() for x in v]
        out["servers"][name] = {"all": httpbench.summary(every)} | {
            kind: httpbench.summary(v) for kind, v in kinds.items()
        }
        log(
            f"  /search/ on server {name}: median {out['servers'][name]['all']['median_ms']} ms, "
            f"p95 {out['servers'][name]['all']['p95_ms']} ms"
        )
    out["failure_total"], out["failures"] = len(failures), failures[:20]
    out["differing_results_total"], out["differing_results"] = len(differing), differing[:20]
    return out


def propagation(port_a: int, port_b: int, *, edits: int = EDITS, log=print) -> dict:
    """`edits` edits through A's web form; each one's lag until A's and B's /search/ list it."""
    import requests

    from coopreview.core.testing import form_values

    editor_cookie, pks = _editor_and_targets(edits)
    session = requests.Session()
    name, value = editor_cookie.split("=", 1)
    session.cookies.set(name, value)
    base = {"A": f"http://127.0.0.1:{port_a}", "B": f"http://127.0.0.1:{port_b}"}
    pause = random.Random(edits)
    words = random.Random(time.time_ns())  # new words each run: never in the corpus, never cached
    lags: dict[str, list[float]] = {"A": [], "B": []}
    saves: list[float] = []
    timeouts = 0
    for pk in pks:
        word = "zq" + "".join(words.choice("bcdfghjklmnpqrstvwxz") for _ in range(10))
        form = session.get(f"{base['A']}/recommendations/{pk}/edit/", timeout=60)
        if form.status_code != 200:
            raise RuntimeError(f"the edit form of recommendation {pk} answered {form.status_code}")
        data = form_values(form.text, field="text")
        data["text"] = [f"{data['text'][0]} {word}"]
        if "reason" in data:
            data["reason"] = ["benchmark: several servers"]
        started = time.monotonic()
        saved = session.post(
            f"{base['A']}/recommendations/{pk}/edit/",
            data=data,
            headers={"Referer": f"{base['A']}/recommendations/{pk}/edit/"},
            allow_redirects=False,
            timeout=60,
        )
        committed = time.monotonic()
        if saved.status_code != 302:
            raise RuntimeError(f"the edit of recommendation {pk} answered {saved.status_code}, not 302")
        saves.append(committed - started)
        found = _poll_found(base, word, pk, committed)
        for server, lag in found.items():
            if lag is None:
                timeouts += 1
            else:
                lags[server].append(lag)
        time.sleep(pause.uniform(0, follow_interval()))
    if not lags["B"]:
        raise RuntimeError(f"server B's search found none of the {len(pks)} edits in {LAG_TIMEOUT_SECONDS} s")
    out = {
        "edits": len(pks),
        "poll_ms": POLL_SECONDS * 1000,
        "save_ms": lag_summary(saves),
        "lag_ms": {server: lag_summary(v) for server, v in lags.items() if v},
        "timeouts": timeouts,
        "timeout_s": LAG_TIMEOUT_SECONDS,
    }
    if "B" in out["lag_ms"]:
        b = out["lag_ms"]["B"]
        log(f"  a change through A found on B after: median {b['median_ms']} ms, p95 {b['p95_ms']} ms")
    return out


def _poll_found(base: dict, word: str, pk: int, since: float) -> dict[str, float | None]:
    """Seconds from `since` until each server's /search/?q=word lists recommendation pk (None: never,
    within the timeout). Both servers polled in turn, then a pause of POLL_SECONDS."""
    import requests

    path = "/search/?" + urllib.parse.urlencode({"q": word})
    wanted = f'href="/recommendations/{pk}/"'
    found: dict[str, float | None] = {}
    while len(found) < len(base) and time.monotonic() - since < LAG_TIMEOUT_SECONDS:
        for server, url in base.items():
            if server in found:
                continue
            page = requests.get(url + path, timeout=60)
            if page.status_code == 200 and wanted in page.text:
                found[server] = time.monotonic() - since
        time.sleep(POLL_SECONDS)
    return {server: found.get(server) for server in base}


def _editor_and_targets(n: int) -> tuple[str, list[int]]:
    """A signed-in editor's session cookie and `n` public recommendations to edit (not the first: the
    write-cost measurement edits that one)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.httpbench import cookies
    from coopreview.accounts.enums import Role
    from coopreview.accounts.models import Membership, Organisation
    from coopreview.recommendations.models import Recommendation

    editor, _ = get_user_model().objects.get_or_create(username="bench-editor")
    court = Organisation.objects.order_by("id").first()
    Membership.objects.get_or_create(user=editor, organisation=court, role=Role.EDITOR)
    public = Recommendation.objects.filter(visibility="public").order_by("id")
    pks = list(public.values_list("id", flat=True)[1 : n + 1])
    cookie = cookies({"editor": editor})["editor"]
    connection.close()
    return cookie, pks
