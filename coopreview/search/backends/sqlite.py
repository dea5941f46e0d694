"""SQLite FTS5: bm25 ranking, snippet()/highlight(), facets as tokens in the `tokens` column.

Access layers are id ranges (search.models.entry_id): "public" and "members" entries are reached with
a rowid range, which FTS5 applies while scanning and which adds no phrase to rank. Restricted entries
sit above both and are reached by a second, small query with the user's organisation tokens. bm25 is
computed over at most RANK_CANDIDATES matches (the highest ids, i.e. roughly the newest), because FTS5
scores every match it ranks (~1.6 µs a row): beyond that many matches the order is approximate.
Snippets are made by the selector from the page's rows (text.highlight): FTS5's snippet() re-runs the
query for each row, one query per result.
"""

import heapq

from django.conf import settings
from django.db import connection

from coopreview.search.backends.base import Match
from coopreview.search.backends.facets import RowFacetsMixin
from coopreview.search.models import layer_bound
from coopreview.search.text import ParsedQuery


def rank_candidates() -> int:
    return int(getattr(settings, "SEARCH_RANK_CANDIDATES", 1000))


def _quote(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def match_expression(query: ParsedQuery, *, org_tokens: list[str] | None = None) -> str:
    """The FTS5 MATCH string. Words are quoted (no FTS syntax passes through); tokens are matched in
    the `tokens` column only, words in title and body."""
    parts: list[str] = []
    if query.terms:
        terms = [_quote(" ".join(term)) for term in query.terms]
        parts.append("{title body} : (" + " AND ".join(terms) + ")")
    if org_tokens:
        parts.append("tokens : (" + " OR ".join(_quote(t) for t in org_tokens) + ")")
    for group in query.filters:
        parts.append("tokens : (" + " OR ".join(_quote(t) for t in group) + ")")
    if not parts:
        parts.append('tokens : "xallx"')
    return " AND ".join(parts)


def _parts(query: ParsedQuery) -> list[tuple[str, str, list]]:
    """(MATCH expression, extra rowid condition, its parameters) for each access part of the query."""
    if query.open_layer is None and query.access is None:
        return [(match_expression(query), "", [])]
    bound = layer_bound(query.open_layer or "public")
    parts = [(match_expression(query), "AND rowid < %s", [bound])]
    if query.org_tokens:
        restricted = layer_bound("members")
        parts.append((match_expression(query, org_tokens=query.org_tokens), "AND rowid >= %s", [restricted]))
    return parts


class SQLiteBackend(RowFacetsMixin):
    """search_fts is kept in step by these hooks while this is the engine (no triggers: with tantivy
    as the engine, FTS5 writes stalled every few edits for seconds at a million entries)."""

    _rebuilding = False

    def after_write(self, entry_ids: list[int]) -> None:
        if entry_ids and not self._rebuilding:  # a rebuild indexes every row in one pass at the end
            marks = ", ".join(["%s"] * len(entry_ids))
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO search_fts(rowid, title, body, tokens) "  # noqa: S608 — placeholders
                    f"SELECT id, title, body, tokens FROM search_entry WHERE id IN ({marks})",
                    entry_ids,
                )

    def before_delete(self, entry_ids: list[int]) -> None:
        """FTS5 forgets a row of an external-content table only when given its old values."""
        if entry_ids:
            marks = ", ".join(["%s"] * len(entry_ids))
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO search_fts(search_fts, rowid, title, body, tokens) "  # noqa: S608
                    f"SELECT 'delete', id, title, body, tokens FROM search_entry WHERE id IN ({marks})",
                    entry_ids,
                )

    def before_rebuild(self) -> None:
        self._rebuilding = True

    def after_rebuild(self) -> None:
        """Index every row in one pass (in the caller's transaction)."""
        self._rebuilding = False
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def matches(self, query: ParsedQuery, *, limit: int, offset: int) -> list[Match]:
        wanted = limit + offset
        ranked: list[tuple[float, int, str]] = []
        with connection.cursor() as cursor:
            for expression, condition, params in _parts(query):
                if query.terms:
                    inner = f"SELECT rowid, rank AS r FROM search_fts WHERE search_fts MATCH %s {condition}"  # noqa: S608
                    sql = f"SELECT rowid, r FROM ({inner} ORDER BY rowid DESC LIMIT %s) ORDER BY r LIMIT %s"  # noqa: S608
                    cursor.execute(sql, [expression, *params, max(rank_candidates(), wanted), wanted])
                    ranked += [(score, rowid, expression) for rowid, score in cursor.fetchall()]
                else:
                    sql = f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s {condition} ORDER BY rowid DESC LIMIT %s"  # noqa: S608,E501
                    cursor.execute(sql, [expression, *params, wanted])
                    ranked += [(-float(rowid), rowid, expression) for (rowid,) in cursor.fetchall()]
            page = heapq.nsmallest(wanted, ranked)[offset:]
        return [Match(rowid, score) for score, rowid, _ in page]

    def count(self, query: ParsedQuery, *, cap: int) -> int:
        total = 0
        with connection.cursor() as cursor:
            for expression, condition, params in _parts(query):
                sql = f"SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s {condition} LIMIT %s)"  # noqa: S608,E501
                cursor.execute(sql, [expression, *params, cap])
                total += cursor.fetchone()[0]
        return total

    def facet_rows(self, query: ParsedQuery, *, sample: int) -> list[tuple]:
        rows: list[tuple] = []
        with connection.cursor() as cursor:
            for expression, condition, params in _parts(query):
                ids = f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s {condition} LIMIT %s"  # noqa: S608
                columns = "kind, language, states, measure, topics, date"
                sql = f"SELECT {columns} FROM search_entry WHERE id IN ({ids})"  # noqa: S608
                cursor.execute(sql, [expression, *params, sample - len(rows)])
                rows += cursor.fetchall()
                if len(rows) >= sample:
                    break
        return rows
