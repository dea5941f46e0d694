"""PostgreSQL full-text search: a tsvector per row in its language's configuration ('english' or
'french') over accent-folded text (folded in Python, so no unaccent extension is needed), GIN indexes,
and access/facet tokens in a second tsvector ('simple') combined in the same WHERE clause."""

from django.db import connection

from coopreview.search.backends.base import Match
from coopreview.search.backends.facets import RowFacetsMixin
from coopreview.search.models import SearchEntry
from coopreview.search.text import ParsedQuery, fold

CONFIGS = {"fr": "french", "en": "english"}


def text_tsquery(query: ParsedQuery) -> str:
    """to_tsquery syntax from parsed terms: words are \\w only, so no operator can slip in."""
    parts = []
    for i, term in enumerate(query.terms):
        if len(term) > 1:
            parts.append("(" + " <-> ".join(term) + ")")
        else:
            last = i == len(query.terms) - 1 and len(term[0]) >= 3
            parts.append(term[0] + (":*" if last else ""))
    return " & ".join(parts)


def token_tsquery(query: ParsedQuery) -> str:
    groups = ([query.access] if query.access is not None else []) + query.filters
    return " & ".join("(" + " | ".join(group) + ")" for group in groups) or "xallx"


def _where(query: ParsedQuery) -> tuple[str, list]:
    sql = "token_vector @@ to_tsquery('simple', %s)"
    params: list = [token_tsquery(query)]
    if query.terms:
        text = text_tsquery(query)
        sql += " AND vector @@ (to_tsquery('english', %s) || to_tsquery('french', %s))"
        params += [text, text]
    return sql, params


class PostgresBackend(RowFacetsMixin):
    def after_write(self, entry_ids: list[int]) -> None:
        if not entry_ids:
            return
        rows = SearchEntry.objects.filter(id__in=entry_ids).values_list(
            "id", "language", "title", "body", "tokens"
        )
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE search_entry SET vector = setweight(to_tsvector(%s::regconfig, %s), 'A') || "
                "setweight(to_tsvector(%s::regconfig, %s), 'B'), token_vector = to_tsvector('simple', %s) "
                "WHERE id = %s",
                [
                    (
                        CONFIGS.get(lang, "english"),
                        fold(title),
                        CONFIGS.get(lang, "english"),
                        fold(body),
                        tokens,
                        pk,
                    )
                    for pk, lang, title, body, tokens in rows
                ],
            )

    def before_rebuild(self) -> None:
        pass

    def after_rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_entry")

    def matches(self, query: ParsedQuery, *, limit: int, offset: int) -> list[Match]:
        where, params = _where(query)
        if query.terms:
            text = text_tsquery(query)
            rank = "ts_rank(vector, to_tsquery('english', %s) || to_tsquery('french', %s))"
            select, order, rank_params = rank, "score DESC, id", [text, text]
        else:
            select, order, rank_params = "0.0", "date DESC NULLS LAST, id DESC", []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {select} AS score FROM search_entry WHERE {where} "  # noqa: S608 — fixed fragments
                f"ORDER BY {order} LIMIT %s OFFSET %s",
                [*rank_params, *params, limit, offset],
            )
            rows = cursor.fetchall()
        return [Match(pk, -float(score)) for pk, score in rows]

    def count(self, query: ParsedQuery, *, cap: int) -> int:
        where, params = _where(query)
        with connection.cursor() as cursor:
            sql = f"SELECT count(*) FROM (SELECT 1 FROM search_entry WHERE {where} LIMIT %s) s"  # noqa: S608
            cursor.execute(sql, [*params, cap])
            return cursor.fetchone()[0]

    def facet_rows(self, query: ParsedQuery, *, sample: int) -> list[tuple]:
        where, params = _where(query)
        with connection.cursor() as cursor:
            columns = "kind, language, states, measure, topics, date"
            sql = f"SELECT {columns} FROM search_entry WHERE {where} LIMIT %s"  # noqa: S608 — fixed fragments
            cursor.execute(sql, [*params, sample])
            return cursor.fetchall()
