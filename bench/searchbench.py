"""Search timings on one database, interleaved per query:

- platform: coopreview.search.selectors.search, the code path of the web search (/search/): the
  default engine (tantivy), access and filters inside the query, count, facets, highlighted snippets;
- floor: the same engine and the same query, queried in-process without Django: top 20 with the count,
  the same facet aggregation, then the page's rows through the database driver;
- platform_sql: the same selector on the database's own index (SEARCH_BACKEND=sql), for reference;
- raw_fts5 (SQLite): the FTS5 index alone, full count plus top 20 by bm25, no filter;
- peer (SQLite): Datasette's JSON endpoint with the equivalent ranked FTS5 query over the same
  search_entry table (access and filter tokens in the MATCH, capped count plus top 20).
"""

import http.client
import json
import random
import sqlite3
import statistics
import time
import urllib.parse

import tantivy
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import override_settings

from bench.queries import Query, query_set
from coopreview.recommendations.models import Theme
from coopreview.search import selectors
from coopreview.search.backends import sqlite as sqlite_engine
from coopreview.search.backends import tantivy_engine
from coopreview.search.models import layer_bound

K = 20  # results per page in every engine
CAP = selectors.COUNT_CAP + 1
SHUFFLE_SEED = 20261129  # the order of the engines on each query: fixed, so runs compare

PEER_FROM = (
    "FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid "
    "WHERE search_fts MATCH :q AND search_fts.rowid < :b"
)
PEER_SQL = (  # constants; the user's words are bound parameters
    "SELECT e.id, e.title, e.body, e.url, search_fts.rank AS score, "  # noqa: S608
    "(SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH :q AND rowid < :b LIMIT {cap})) "
    "AS total " + PEER_FROM + " ORDER BY search_fts.rank LIMIT 20"
)
RAW_COUNT = "SELECT count(*) FROM search_fts WHERE search_fts MATCH :q"
RAW_TOP = "SELECT rowid, rank FROM search_fts WHERE search_fts MATCH :q ORDER BY rank LIMIT 20"


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
        "n": len(ordered),
    }


class Engines:
    def __init__(self, *, sqlite_path: str | None, peer_port: int | None) -> None:
        self.topics = dict(Theme.objects.values_list("slug", "name"))
        self.user = AnonymousUser()
        self.sqlite = sqlite3.connect(sqlite_path) if sqlite_path else None
        self.peer = http.client.HTTPConnection("127.0.0.1", peer_port, timeout=120) if peer_port else None
        root = tantivy_engine.index_dir()
        generation = (root / "CURRENT").read_text().strip()
        self.index = tantivy.Index.open(str(root / generation))
        self.index.register_tokenizer(tantivy_engine.TEXT, tantivy_engine._analyzer())
        self.index.reload()
        self.searcher = self.index.searcher()
        self.analyzer = tantivy_engine._analyzer()
        self.public_bound = layer_bound("public")

    def filters(self, query: Query) -> dict:
        return {"topic": self.topics[query.theme]} if query.theme else {}

    def parsed(self, query: Query):
        return selectors.parse_query(query=query.q, user=self.user, filters=self.filters(query))

    # The platform: the web search's selector, whole (engine, rows, snippets, facets, labels).
    def platform(self, query: Query) -> int:
        results = selectors.search(query=query.q, user=self.user, filters=self.filters(query), limit=K)
        return results.total + (1 if results.total_capped else 0)

    def platform_sql(self, query: Query) -> int:
        with override_settings(SEARCH_BACKEND="sql"):
            return self.platform(query)

    # The floor: the same engine, query and facet rule, without Django; the page's rows by the driver.
    def floor(self, query: Query) -> int:
        schema = self.index.schema
        q = tantivy_engine.build_query(schema, self.analyzer, self.parsed(query))
        result = self.searcher.search(q, limit=K, count=True)
        ids = [self.searcher.doc(address).get_first("id") for _score, address in result.hits]
        facet_q, _scale = tantivy_engine.facet_query(schema, q, result.count)
        self.searcher.aggregate(facet_q, tantivy_engine.FACET_AGGREGATION)
        if ids:
            marks = ",".join(["%s"] * len(ids))
            sql = f"SELECT id, title, body, url, states, date FROM search_entry WHERE id IN ({marks})"  # noqa: S608
            if self.sqlite is not None:
                self.sqlite.execute(sql.replace("%s", "?"), ids).fetchall()
            else:
                with connection.connection.cursor() as cur:  # the driver's own connection, no ORM
                    cur.execute(sql, ids)
                    cur.fetchall()
        return min(result.count, CAP)

    def _match(self, query: Query) -> str:
        return sqlite_engine.match_expression(self.parsed(query))

    # The raw FTS5 query for reference: the index alone, no filter, full count plus top 20.
    def raw(self, query: Query) -> int:
        parsed = self.parsed(query)
        params = {"q": sqlite_engine.match_expression(type(parsed)(terms=parsed.terms))}
        count = self.sqlite.execute(RAW_COUNT, params).fetchone()[0]
        self.sqlite.execute(RAW_TOP, params).fetchall()
        return count

    # The peer: Datasette's JSON endpoint with the equivalent ranked query.
    def peer_query(self, query: Query) -> int:
        path = peer_path(self._match(query), self.public_bound)
        try:
            self.peer.request("GET", path)
            response = self.peer.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the idle keep-alive connection (uvicorn: after 5 s): reconnect once.
            self.peer.close()
            self.peer.request("GET", path)
            response = self.peer.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"Datasette answered {response.status}: {json.loads(body).get('error')}")
        rows = json.loads(body)
        return rows[0]["total"] if rows else 0


def peer_path(match: str, bound: int) -> str:
    sql = PEER_SQL.format(cap=CAP)
    return "/bench.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array", "q": match, "b": bound})


def peer_paths(queries: list[Query]) -> list[str]:
    """Datasette URLs for `queries`, for the HTTP load (needs Django set up, no engines)."""
    topics = dict(Theme.objects.values_list("slug", "name"))
    bound = layer_bound("public")
    paths = []
    for query in queries:
        filters = {"topic": topics[query.theme]} if query.theme else {}
        parsed = selectors.parse_query(query=query.q, user=AnonymousUser(), filters=filters)
        paths.append(peer_path(sqlite_engine.match_expression(parsed), bound))
    return paths


def measure(*, sqlite_path: str | None, peer_port: int | None, log=print) -> dict:
    engines = Engines(sqlite_path=sqlite_path, peer_port=peer_port)
    queries = query_set()
    calls = {"platform": engines.platform, "floor": engines.floor, "platform_sql": engines.platform_sql}
    if sqlite_path:
        calls["raw_fts5"] = engines.raw
        if peer_port:
            calls["peer"] = engines.peer_query
    log(f"search: warming up on {len(queries)} queries")
    for query in queries:
        engines.platform(query)
        engines.floor(query)
    samples: dict[str, list[float]] = {n: [] for n in calls}
    by_kind: dict[str, dict[str, list[float]]] = {}
    mismatches = []
    order = random.Random(SHUFFLE_SEED)
    for query in queries:
        counts = {}
        # A new order for each query (fixed seed): the engine that follows a heavy query (raw FTS5,
        # Datasette) finds the CPU caches cold, and the second tantivy query of the same words finds them
        # warm. With the platform always first and the floor right after it, the same code measured 1.52×
        # the floor; with the floor first, 1.20×. Shuffled, each engine follows each other equally often.
        names = list(calls)
        order.shuffle(names)
        for name in names:
            call = calls[name]
            start = time.perf_counter()
            counts[name] = call(query)
            elapsed = (time.perf_counter() - start) * 1000
            samples[name].append(elapsed)
            by_kind.setdefault(query.kind, {}).setdefault(name, []).append(elapsed)
        compared = {n: min(c, CAP) for n, c in counts.items() if n != "raw_fts5"}
        if len(set(compared.values())) > 1:
            mismatches.append({"q": query.q, "theme": query.theme, **counts})
    result: dict = {name: summary(s) for name, s in samples.items()}
    result["engine"] = f"tantivy {tantivy.__version__}" if hasattr(tantivy, "__version__") else "tantivy"
    result["queries"] = len(queries)
    result["by_kind_median_ms"] = {
        kind: {n: round(statistics.median(v), 2) for n, v in d.items()} for kind, d in by_kind.items()
    }
    # Engines stem differently (tantivy: Porter 2 / Snowball; FTS5 and PostgreSQL: Porter), so a few
    # counts may differ; listed so that any difference can be read, not hidden.
    result["count_mismatches"] = mismatches[:20]
    result["count_mismatch_total"] = len(mismatches)
    p = result["platform"]["median_ms"]
    result["ratio_platform_floor"] = round(p / result["floor"]["median_ms"], 2)
    result["ratio_platform_floor_p95"] = round(result["platform"]["p95_ms"] / result["floor"]["p95_ms"], 2)
    if "peer" in result:
        result["ratio_platform_peer"] = round(p / result["peer"]["median_ms"], 3)
        result["ratio_platform_peer_p95"] = round(result["platform"]["p95_ms"] / result["peer"]["p95_ms"], 3)
    else:
        result["peer"] = None
        result["ratio_platform_peer"] = None
    return result
