"""The headline: the platform's pages over HTTP against Datasette over HTTP, per query, interleaved.

Both servers run at once on the same SQLite file: the platform behind gunicorn (as `coopreview serve`
runs it), Datasette immutable. One client (http.client, one connection per server, kept alive when the
server allows it: Datasette does, gunicorn's sync workers close after each response, so the platform
pays a reconnect of ~0.1 ms per request) sends, for each query of the published sets and each persona,
in a shuffled order:

- platform_search: /search/?q= (the unified search page: count, top 20, snippets, facets);
- platform_list: /recommendations/?q= (the list page with q: count and its page of rows);
- peer_search: Datasette's table API on search_entry, its own full-text search (`_search` on the FTS5
  index) with the count, the first 20 and its own facets (`_facet`) on the columns the platform's page
  facets (kind, language, measure, states, topics, date). Datasette 0.65's table search returns matches
  in id order, not by relevance: it does less work than the platform's ranked search, which favours it;
- peer_list: Datasette's table API on the recommendations table, `_search` with the count and 50 rows.

Datasette has no users: it is given the access layer as a filter (the public layer for the anonymous
visitor, public and members for the two members; it cannot express "restricted to my organisation",
so the restricted-organisation member's peer sees the members layer, slightly fewer rows).
"""

import http.client
import random
import statistics
import time
import urllib.parse

from bench import querysets

SHUFFLE_SEED = 20261203
PERSONAS = ("anonymous", "member", "restricted_member")
ENDPOINTS = ("platform_search", "peer_search", "platform_list", "peer_list")
PEER_FACETS = ("kind", "language", "measure", "states", "topics")
PAGE_REPEATS = 15  # timed requests per page and persona
PAGE_BUDGET_MS = 60_000  # a page that has cost this much stops after 3 rounds (slow pages, busy machine)


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
        "n": len(ordered),
    }


class Client:
    """One HTTP connection to one server, reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str, cookie: str = "") -> tuple[float, int, bytes]:
        headers = {"Cookie": cookie} if cookie else {}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            try:
                start = time.perf_counter()
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                body = response.read()
                elapsed = (time.perf_counter() - start) * 1000
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.conn.close()
                self.conn = None
            return elapsed, response.status, body
        raise AssertionError("unreachable")


# --- personas ---------------------------------------------------------------------------------------


def personas() -> dict:
    """Users for the platform side: None (anonymous), a State focal point of a State nothing is
    restricted to (a member), and one of the State most restricted recommendations are restricted to,
    plus a facilitator (the role that opens lineage review) for the page timings."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from coopreview.accounts.enums import OrganisationKind, Role
    from coopreview.accounts.models import Membership, Organisation
    from coopreview.recommendations.models import Recommendation

    user_model = get_user_model()
    through = Recommendation.restricted_to.through
    top = (
        through.objects.values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation_id")
        .first()
    )
    states = Organisation.objects.filter(kind=OrganisationKind.STATE).order_by("id")
    restricted_org = top["organisation_id"] if top else states.first().id
    member_org = states.exclude(id__in=through.objects.values("organisation_id")).first() or states.last()
    body = (
        Organisation.objects.filter(kind=OrganisationKind.ASSEMBLY_BODY).order_by("id").first()
        or states.first()
    )
    users: dict = {"anonymous": None}
    for name, org_id, role in [
        ("member", member_org.id, Role.STATE_FOCAL_POINT),
        ("restricted_member", restricted_org, Role.STATE_FOCAL_POINT),
        ("facilitator", body.id, Role.FACILITATOR),
    ]:
        user, _ = user_model.objects.get_or_create(
            username=f"bench-{name}", defaults={"email": f"{name}@bench.invalid"}
        )
        Membership.objects.get_or_create(user=user, organisation_id=org_id, role=role)
        users[name] = user
    return users


def cookies(users: dict) -> dict[str, str]:
    """A signed-in session cookie per persona (database sessions: the server reads the same table)."""
    from django.conf import settings
    from django.test import Client as DjangoClient

    out = {}
    for name, user in users.items():
        if user is None:
            out[name] = ""
            continue
        client = DjangoClient()
        client.force_login(user)
        out[name] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return out


# --- the per-query comparison -----------------------------------------------------------------------


def platform_paths(q: str) -> dict[str, str]:
    encoded = urllib.parse.urlencode({"q": q})
    return {"platform_search": f"/search/?{encoded}", "platform_list": f"/recommendations/?{encoded}"}


def peer_paths(q: str, persona: str) -> dict[str, str]:
    from coopreview.search.models import layer_bound

    layer = "public" if persona == "anonymous" else "members"
    search = [("_search", q), ("_fts_table", "search_fts"), ("_fts_pk", "id"), ("_size", "20")]
    search += [("id__lt", str(layer_bound(layer)))] + [("_facet", f) for f in PEER_FACETS]
    search += [("_facet_date", "date")]
    visible = "public" if persona == "anonymous" else "public,members"
    listing = [("_search", q), ("_fts_table", "recommendations_fts"), ("_fts_pk", "id"), ("_size", "50")]
    listing += [("visibility__in", visible)]
    return {
        "peer_search": "/bench/search_entry.json?" + urllib.parse.urlencode(search),
        "peer_list": "/bench/recommendations_recommendation.json?" + urllib.parse.urlencode(listing),
    }


def compare(
    *, port: int, peer_port: int, cookie: dict[str, str], per_kind: int | None = None, log=print
) -> dict:
    """Every published query (the first `per_kind` of each set on the smoke scales), every persona, the
    four endpoints in a shuffled order per query."""
    sets = {kind: queries[:per_kind] for kind, queries in querysets.load().items()}
    clients = {"platform": Client(port), "peer": Client(peer_port)}
    log(f"  HTTP comparison: warming up on {sum(len(v) for v in sets.values())} queries")
    for queries in sets.values():  # the same warm-up for both servers: one pass over every URL
        for q in queries:
            for name, path in (platform_paths(q) | peer_paths(q, "anonymous")).items():
                clients[name.split("_")[0]].get(path)
    order = random.Random(SHUFFLE_SEED)
    samples: dict = {}
    failures: list[dict] = []
    for persona in PERSONAS:
        for kind, queries in sets.items():
            for q in queries:
                paths = platform_paths(q) | peer_paths(q, persona)
                names = list(ENDPOINTS)
                order.shuffle(names)
                for name in names:
                    side = name.split("_")[0]
                    elapsed, status, _body = clients[side].get(
                        paths[name], cookie[persona] if side == "platform" else ""
                    )
                    if status != 200:
                        failures.append({"endpoint": name, "persona": persona, "q": q, "status": status})
                    samples.setdefault(persona, {}).setdefault(kind, {}).setdefault(name, []).append(elapsed)
    out: dict = {"personas": {}, "failures": failures[:20], "failure_total": len(failures)}
    for persona, kinds in samples.items():
        out["personas"][persona] = {}
        every: dict[str, list[float]] = {}
        for kind, endpoints in kinds.items():
            out["personas"][persona][kind] = {n: summary(v) for n, v in endpoints.items()}
            for n, v in endpoints.items():
                every.setdefault(n, []).extend(v)
        out["personas"][persona]["all"] = {n: summary(v) for n, v in every.items()}
    for group in out["personas"].values():
        for figures in group.values():
            for page in ("search", "list"):
                mine, peer = figures[f"platform_{page}"], figures[f"peer_{page}"]
                figures[f"ratio_{page}"] = round(mine["median_ms"] / peer["median_ms"], 3)
    out["queries"] = {kind: len(v) for kind, v in sets.items()}
    return out


# --- other pages: timings over HTTP and SQL queries in-process -----------------------------------------


def page_paths() -> dict[str, str]:
    import datetime as dt

    from django.db.models import Count
    from django.utils import timezone

    from coopreview.recommendations.models import Source

    biggest = (
        Source.objects.annotate(n=Count("recommendations")).order_by("-n", "id").values_list("id", flat=True)
    )
    today = timezone.localdate()
    year = f"start={today - dt.timedelta(days=365)}&end={today}"
    return {
        "followup_dashboard": "/followup/",
        "followup_changes_page2": f"/followup/changes/?{year}&page=2",
        "my_work": "/me/",
        "schedule": "/followup/schedule/",
        "lineage_review": f"/lineage/review/?source={biggest.first()}",
    }


def pages(*, port: int, cookie: dict[str, str], users: dict, repeats: int = PAGE_REPEATS, log=print) -> dict:
    """p50/p95 over HTTP (`repeats` requests per page and persona, pages interleaved) and the SQL
    queries of one request in-process, per page, as the facilitator and the two members."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    client = Client(port)
    paths = page_paths()
    who = ("facilitator", "member", "restricted_member")
    # Lineage review is the editors' and facilitators' work: the members are refused (403) by design.
    allowed = {name: ("facilitator",) if name == "lineage_review" else who for name in paths}
    samples: dict = {}
    statuses: dict = {}
    for persona in who:  # warm-up: one pass
        for name, path in paths.items():
            if persona in allowed[name]:
                client.get(path, cookie[persona])
    spent: dict[str, float] = {}
    for round_ in range(repeats):
        for persona in who:
            for name, path in paths.items():
                if persona not in allowed[name] or (round_ >= 3 and spent.get(name, 0) > PAGE_BUDGET_MS):
                    continue
                elapsed, status, _body = client.get(path, cookie[persona])
                samples.setdefault(name, {}).setdefault(persona, []).append(elapsed)
                spent[name] = spent.get(name, 0) + elapsed
                statuses.setdefault(name, {})[persona] = status
    out: dict = {}
    for name, by_persona in samples.items():
        every = [x for v in by_persona.values() for x in v]
        queries = {}
        for persona in allowed[name]:
            django_client = DjangoClient()
            django_client.force_login(users[persona])
            with CaptureQueriesContext(connection) as ctx:
                django_client.get(paths[name])
            queries[persona] = len(ctx.captured_queries)
        out[name] = {
            "path": paths[name],
            "all": summary(every),
            "by_persona": {p: summary(v) for p, v in by_persona.items()},
            "status": statuses[name],
            "queries": queries,
        }
        log(
            f"  {name}: p50 {out[name]['all']['median_ms']} ms, p95 {out[name]['all']['p95_ms']} ms, "
            f"queries {queries}"
        )
    return out


def write_costs(users: dict) -> dict:
    """SQL queries and search-index updates of one edit and one create through the web forms, as an
    editor (two-factor sign-in switched off for this in-process client only: it adds no query to a
    save)."""
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from coopreview.accounts.enums import Role
    from coopreview.accounts.models import Membership, Organisation
    from coopreview.recommendations.forms import RecommendationForm
    from coopreview.recommendations.models import Recommendation
    from coopreview.search import indexing

    editor, _ = get_user_model().objects.get_or_create(username="bench-editor")
    court = Organisation.objects.order_by("id").first()
    Membership.objects.get_or_create(user=editor, organisation=court, role=Role.EDITOR)
    rec = Recommendation.objects.filter(visibility="public").order_by("id").first()
    initial = RecommendationForm(instance=rec)
    data: dict = {}
    for name in initial.fields:
        value = initial[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    edit = dict(data, text=rec.text + " (benchmark edit)", reason="benchmark")
    create = dict(data, reference=f"{rec.reference}-bench", text="A benchmark recommendation.", reason="")
    create.pop("version", None)
    out = {}
    real_update = indexing.index_update
    with override_settings(MFA_REQUIRED=False):
        client = DjangoClient()
        client.force_login(editor)
        for name, path, payload in [
            ("edit", f"/recommendations/{rec.pk}/edit/", edit),
            ("create", "/recommendations/new/", create),
        ]:
            calls: list = []

            def counted(obj, calls=calls):
                calls.append(1)
                return real_update(obj)

            with (
                mock.patch.object(indexing, "index_update", side_effect=counted),
                CaptureQueriesContext(connection) as ctx,
            ):
                response = client.post(path, payload)
            out[name] = {
                "status": response.status_code,
                "queries": len(ctx.captured_queries),
                "index_updates": len(calls),
            }
    return out


# --- throughput -----------------------------------------------------------------------------------------


def throughput(*, port: int, peer_port: int, seconds: int, log=print) -> dict:
    """wrk on the platform's search page and on Datasette's search (anonymous, the published queries
    rotated), at 1, 16 and 64 connections, the two servers alternating level by level."""
    from bench import load

    sets = querysets.load()
    queries = [q for kind in querysets.KINDS for q in sets[kind]]
    mine = [platform_paths(q)["platform_search"] for q in queries]
    peer = [peer_paths(q, "anonymous")["peer_search"] for q in queries]
    bases = {"search": f"http://127.0.0.1:{port}", "peer_search": f"http://127.0.0.1:{peer_port}"}
    paths = {"search": mine, "peer_search": peer}
    out: dict = {"search": [], "peer_search": []}
    for i, connections in enumerate(load.CONNECTIONS):
        names = ["search", "peer_search"] if i % 2 == 0 else ["peer_search", "search"]
        for name in names:
            result = load.wrk(bases[name], paths[name], connections, seconds)
            log(
                f"  {name} c={connections}: {result['rps']} req/s p95 {result['p95_ms']} ms, "
                f"{result['errors']} errors"
            )
            out[name].append(result)
    return out
