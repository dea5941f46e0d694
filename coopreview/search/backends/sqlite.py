"""SQLite FTS5: bm25 ranking, snippet()/highlight(), access and facets as tokens in the `tokens` column."""

from django.db import connection

from coopreview.search.backends.base import Match
from coopreview.search.text import MARK_END, MARK_START, ParsedQuery


def _quote(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def match_expression(query: ParsedQuery) -> str:
    """The FTS5 MATCH string. Words are quoted (no FTS syntax passes through); the last bare word
    matches as a prefix; tokens are matched in the `tokens` column only, words in title and body."""
    parts: list[str] = []
    if query.terms:
        terms = []
        for i, term in enumerate(query.terms):
            if len(term) > 1:
                terms.append(_quote(" ".join(term)))
            else:
                last = i == len(query.terms) - 1 and len(term[0]) >= 3
                terms.append(_quote(term[0]) + ("*" if last else ""))
        parts.append("{title body} : (" + " AND ".join(terms) + ")")
    if query.access is not None:
        parts.append("tokens : (" + " OR ".join(_quote(t) for t in query.access) + ")")
    for group in query.filters:
        parts.append("tokens : (" + " OR ".join(_quote(t) for t in group) + ")")
    if not parts:
        parts.append('tokens : "xallx"')
    return " AND ".join(parts)


class SQLiteBackend:
    def after_write(self, entry_ids: list[int]) -> None:
        pass  # triggers on search_entry keep search_fts in step

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")

    def matches(self, query: ParsedQuery, *, limit: int, offset: int) -> list[Match]:
        expression = match_expression(query)
        order = "rank" if query.terms else "rowid DESC"
        with connection.cursor() as cursor:
            # Rank first (cheap columns only), then highlight the page: snippet() on every match would
            # cost as much as the ranking itself.
            sql = f"SELECT rowid, rank FROM search_fts WHERE search_fts MATCH %s ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608,E501 — order is one of two constants
            cursor.execute(sql, [expression, limit, offset])
            ranked = cursor.fetchall()
            if not ranked:
                return []
            ids = [row[0] for row in ranked]
            placeholders = ",".join(["%s"] * len(ids))
            sql = (
                "SELECT rowid, highlight(search_fts, 0, %s, %s), snippet(search_fts, 1, %s, %s, '…', 32) "
                "FROM search_fts WHERE search_fts MATCH %s AND rowid IN (" + placeholders + ")"  # noqa: S608
            )
            cursor.execute(sql, [MARK_START, MARK_END, MARK_START, MARK_END, expression, *ids])
            marked = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
        return [Match(i, score, *marked.get(i, ("", ""))) for i, score in ranked]

    def count(self, query: ParsedQuery, *, cap: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [match_expression(query), cap],
            )
            return cursor.fetchone()[0]

    def facet_rows(self, query: ParsedQuery, *, sample: int) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kind, language, states, measure, topics, date FROM search_entry WHERE id IN "
                "(SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [match_expression(query), sample],
            )
            return cursor.fetchall()
