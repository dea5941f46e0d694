"""Search timings on one database: the platform's selector, the floor (same engine, same SQL semantics,
driver only), the raw FTS5 bm25 query, and the peer (Datasette over HTTP), interleaved per query."""

import http.client
import json
import sqlite3
import statistics
import time
import urllib.parse
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import connection

from bench.queries import Query, query_set
from coopreview.recommendations import selectors
from coopreview.recommendations.models import Theme
from coopreview.recommendations.pagination import COUNT_CAP, RecommendationPaginator
from coopreview.recommendations.search import fts5_match_expression, postgres_tsquery

K = 20  # results per page in every engine: total count plus the top 20 by relevance

FTS_FROM = (
    "FROM recommendations_fts JOIN recommendations_recommendation r ON r.id = recommendations_fts.rowid "
    "{theme_join} "
    "WHERE recommendations_fts MATCH :q AND r.visibility = 'public'"
)
THEME_JOIN = (
    "JOIN recommendations_recommendation_themes t ON t.recommendation_id = r.id AND t.theme_id = :theme"
)
# The peer's query: one statement, like a Datasette canned query would hold (capped count + top 20).
PEER_SQL = (
    "SELECT r.id, r.reference, r.text, bm25(recommendations_fts) AS score, "
    "(SELECT count(*) FROM (SELECT 1 {frm} LIMIT {cap})) AS total {frm} ORDER BY score LIMIT 20"
)
RAW_COUNT = "SELECT count(*) FROM recommendations_fts WHERE recommendations_fts MATCH :q"
RAW_TOP = (
    "SELECT rowid, bm25(recommendations_fts) AS score FROM recommendations_fts "
    "WHERE recommendations_fts MATCH :q ORDER BY score LIMIT 20"
)
PG_VECTOR = (
    "to_tsvector('simple', unaccent(r.reference) || ' ' || unaccent(r.text) || ' ' || unaccent(r.text_fr))"
)
PG_FROM = (
    "FROM recommendations_recommendation r {theme_join} WHERE "
    + PG_VECTOR
    + " @@ to_tsquery('simple', %(q)s) AND r.visibility = 'public'"
)
PG_THEME_JOIN = (
    "JOIN recommendations_recommendation_themes t ON t.recommendation_id = r.id AND t.theme_id = %(theme)s"
)


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(p95, 2),
        "max_ms": round(ordered[-1], 2),
        "n": len(ordered),
    }


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


class Engines:
    def __init__(self, *, sqlite_path: str | None, peer_port: int | None) -> None:
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.user = AnonymousUser()
        self.sqlite = sqlite3.connect(sqlite_path) if sqlite_path else None
        self.peer = http.client.HTTPConnection("127.0.0.1", peer_port, timeout=120) if peer_port else None

    # The platform: the selector and paginator of the web list/search view.
    def platform(self, query: Query) -> int:
        filters = selectors.RecommendationFilters(q=query.q, theme=self.themes.get(query.theme))
        page = RecommendationPaginator(selectors.recommendation_list(user=self.user, filters=filters), K)
        page = page.get_page(1)
        list(page.object_list)
        return page.paginator.count

    def _params(self, query: Query) -> dict:
        params = {"q": fts5_match_expression(query.q)}
        if query.theme:
            params["theme"] = self.themes[query.theme].id
        return params

    # The floor: the same engine and the same semantics (visibility, filters, capped count, top 20
    # with the columns the page shows), straight through the driver.
    def floor(self, query: Query) -> int:
        params = self._params(query)
        if self.sqlite is None:
            return self._floor_pg(query)
        frm = FTS_FROM.format(theme_join=THEME_JOIN if query.theme else "")
        count = self.sqlite.execute(
            f"SELECT count(*) FROM (SELECT 1 {frm} LIMIT {COUNT_CAP + 1})",  # noqa: S608 — constants
            params,
        ).fetchone()[0]
        self.sqlite.execute(
            f"SELECT r.id, r.reference, r.text, bm25(recommendations_fts) AS score {frm} "  # noqa: S608
            "ORDER BY score LIMIT 20",
            params,
        ).fetchall()
        return count

    def _floor_pg(self, query: Query) -> int:
        params = {
            "q": postgres_tsquery(query.q),
            "theme": self.themes[query.theme].id if query.theme else None,
        }
        frm = PG_FROM.format(theme_join=PG_THEME_JOIN if query.theme else "")
        raw = connection.connection  # the driver's own connection, no ORM
        with raw.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM (SELECT 1 {frm} LIMIT {COUNT_CAP + 1}) s", params)  # noqa: S608
            count = cur.fetchone()[0]
            cur.execute(
                f"SELECT r.id, r.reference, r.text, ts_rank({PG_VECTOR}, to_tsquery('simple', %(q)s)) "  # noqa: S608
                f"AS score {frm} "
                "ORDER BY score DESC LIMIT 20",
                params,
            )
            cur.fetchall()
        return count

    # The raw FTS5 query for reference: the index alone, no filter, full count plus top 20.
    def raw(self, query: Query) -> int:
        params = {"q": fts5_match_expression(query.q)}
        count = self.sqlite.execute(RAW_COUNT, params).fetchone()[0]
        self.sqlite.execute(RAW_TOP, params).fetchall()
        return count

    # The peer: Datasette's JSON endpoint with an equivalent ranked query.
    def peer_query(self, query: Query) -> int:
        params = self._params(query)
        frm = FTS_FROM.format(theme_join=THEME_JOIN if query.theme else "")
        sql = PEER_SQL.format(frm=frm, cap=COUNT_CAP + 1)
        path = "/bench.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array", **params})
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


def peer_path(query: Query, theme_id: int | None) -> str:
    params = {"q": fts5_match_expression(query.q)}
    frm = FTS_FROM.format(theme_join=THEME_JOIN if query.theme else "")
    if query.theme:
        params["theme"] = theme_id
    return "/bench.json?" + urllib.parse.urlencode(
        {"sql": PEER_SQL.format(frm=frm, cap=COUNT_CAP + 1), "_shape": "array", **params}
    )


def measure(*, sqlite_path: str | None, peer_port: int | None, log=print) -> dict:
    engines = Engines(sqlite_path=sqlite_path, peer_port=peer_port)
    queries = query_set()
    names = ["platform", "floor"] + (["raw_fts5", "peer"] if sqlite_path else [])
    calls = {"platform": engines.platform, "floor": engines.floor}
    if sqlite_path:
        calls |= {"raw_fts5": engines.raw}
        if peer_port:
            calls["peer"] = engines.peer_query
        else:
            names.remove("peer")
    log(f"search: warming up on {len(queries)} queries")
    for query in queries:
        engines.platform(query)
    samples: dict[str, list[float]] = {n: [] for n in names}
    by_kind: dict[str, dict[str, list[float]]] = {}
    mismatches = []
    for query in queries:
        counts = {}
        for name in names:
            start = time.perf_counter()
            counts[name] = calls[name](query)
            elapsed = (time.perf_counter() - start) * 1000
            samples[name].append(elapsed)
            by_kind.setdefault(query.kind, {}).setdefault(name, []).append(elapsed)
        capped = {n: min(c, COUNT_CAP + 1) for n, c in counts.items() if n in ("platform", "floor", "peer")}
        if len(set(capped.values())) > 1:
            mismatches.append({"q": query.q, "theme": query.theme, **counts})
    result = {name: summary(s) for name, s in samples.items()}
    result["queries"] = len(queries)
    result["by_kind_median_ms"] = {
        kind: {n: round(statistics.median(v), 2) for n, v in d.items()} for kind, d in by_kind.items()
    }
    result["count_mismatches"] = mismatches[:20]
    result["count_mismatch_total"] = len(mismatches)
    p = result["platform"]["median_ms"]
    result["ratio_platform_floor"] = round(p / result["floor"]["median_ms"], 2)
    result["ratio_platform_floor_p95"] = round(result["platform"]["p95_ms"] / result["floor"]["p95_ms"], 2)
    if "peer" in result:
        result["ratio_platform_peer"] = round(p / result["peer"]["median_ms"], 2)
        result["ratio_platform_peer_p95"] = round(result["platform"]["p95_ms"] / result["peer"]["p95_ms"], 2)
    else:
        result["peer"] = None
        result["ratio_platform_peer"] = None
    return result
