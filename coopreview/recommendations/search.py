"""Full-text matching of recommendations, behind one function so no vendor SQL leaks elsewhere.

SQLite: an FTS5 external-content index kept in step by triggers (migration 0002), ranked by bm25.
PostgreSQL: to_tsvector/to_tsquery with the 'simple' configuration over unaccent()ed text (migration 0003
creates the extension), so French and English words match with or without accents, as on SQLite.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import F, FloatField, Func, QuerySet, Value
from django.db.models.expressions import RawSQL

_TOKEN = re.compile(r'"[^"]+"|[\w][\w\'’-]*', re.UNICODE)


def fts5_match_expression(query: str) -> str:
    """Turn free user text into a safe FTS5 MATCH expression: every word must match, quoted phrases
    stay phrases, the last bare word matches as a prefix. FTS syntax characters are never passed on."""
    parts: list[str] = []
    tokens = _TOKEN.findall(query)
    for i, token in enumerate(tokens):
        if token.startswith('"'):
            words = re.findall(r"\w+", token, re.UNICODE)
            if words:
                parts.append('"' + " ".join(words) + '"')
            continue
        for j, word in enumerate(re.findall(r"\w+", token, re.UNICODE)):
            is_last = i == len(tokens) - 1 and j == len(re.findall(r"\w+", token, re.UNICODE)) - 1
            parts.append(f'"{word}"' + ("*" if is_last and len(word) >= 2 else ""))
    return " ".join(parts)


def filter_by_text(qs: QuerySet, query: str, *, rank: bool) -> QuerySet:
    """Keep the recommendations matching `query`; annotate `search_rank` (lower is better) when asked."""
    query = query.strip()
    if not query:
        return qs
    if connection.vendor == "sqlite":
        match = fts5_match_expression(query)
        if not match:  # only punctuation or FTS operators: nothing can match
            qs = qs.none()
            return qs.annotate(search_rank=Value(0.0, output_field=FloatField())) if rank else qs
        if not rank:
            # Unranked sets are also used inside other queries (pk__in=…), where the table is aliased:
            # a plain IN (SELECT rowid …) stays valid there.
            return qs.filter(
                id__in=RawSQL(
                    "SELECT rowid FROM recommendations_fts WHERE recommendations_fts MATCH %s", [match]
                )
            )
        # Ranked lists: a join on the index, not a correlated subquery per row: SQLite scans the
        # matches once and bm25() is read off the same cursor. (extra() is the only way to join a
        # virtual table here; ranked sets are never nested, they are ordered and paginated.)
        table = qs.model._meta.db_table
        return qs.extra(  # noqa: S610 — constant SQL, the user's text is a bound parameter
            tables=["recommendations_fts"],
            where=[f"recommendations_fts.rowid = {table}.id", "recommendations_fts MATCH %s"],
            params=[match],
            select={"search_rank": "bm25(recommendations_fts)"},
        )
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    tsquery = postgres_tsquery(query)
    if not tsquery:
        qs = qs.none()
        return qs.annotate(search_rank=Value(0.0, output_field=FloatField())) if rank else qs
    # unaccent on the document side, accent folding in Python on the query side: same as SQLite's
    # remove_diacritics, so "etats" finds "États".
    vector = SearchVector(
        *(Func(F(name), function="unaccent") for name in ("reference", "text", "text_fr")), config="simple"
    )
    search_query = SearchQuery(tsquery, config="simple", search_type="raw")
    qs = qs.annotate(search_vector=vector).filter(search_vector=search_query)
    if rank:
        qs = qs.annotate(search_rank=Value(0.0) - SearchRank(F("search_vector"), search_query))
    return qs


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


def postgres_tsquery(query: str) -> str:
    """Free user text → a safe to_tsquery expression: words ANDed, quoted phrases kept in order,
    the last bare word as a prefix. Only word characters reach PostgreSQL, each quoted."""
    parts: list[str] = []
    tokens = _TOKEN.findall(query)
    for i, token in enumerate(tokens):
        words = [_fold(w) for w in re.findall(r"\w+", token, re.UNICODE)]
        if not words:
            continue
        if token.startswith('"'):
            parts.append("(" + " <-> ".join(f"'{w}'" for w in words) + ")")
            continue
        for j, word in enumerate(words):
            is_last = i == len(tokens) - 1 and j == len(words) - 1
            parts.append(f"'{word}'" + (":*" if is_last and len(word) >= 2 else ""))
    return " & ".join(parts)
