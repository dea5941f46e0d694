"""Words in the recommendation list (and every page built on it: dashboard, exports, reports) are looked
up by the one search engine of /search/ (coopreview.search: tantivy by default, the database's own
index with SEARCH_BACKEND=sql), so the same words give the same records everywhere. The list used to
have its own FTS5/tsvector index, which answered differently (other tokens, prefixes, no stemming).

The engine returns record ids best first; this module turns them into a condition on the list's
queryset (the list's own visibility filter stays in the query as well) and into a ranked order.
"""

import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from coopreview.accounts.selectors import AnyUser
from coopreview.search.models import Kind
from coopreview.search.selectors import COUNT_CAP, RecordMatches, has_terms, matching_records

__all__ = ["COUNT_CAP", "RankedIds", "RecordMatches", "has_terms", "id_in", "text_matches"]


def text_matches(*, query: str, user: AnyUser, cap: int = COUNT_CAP) -> RecordMatches | None:
    """The recommendations matching `query` for `user`, best first; None when the query holds no word
    (no text filter: the whole list, as /search/ shows everything for an empty query)."""
    if not has_terms(query):
        return None
    return matching_records(query=query, user=user, kind=Kind.RECOMMENDATION, cap=cap)


def id_in(ids: list[int]) -> RawSQL:
    """`pk__in=` these ids as one bound parameter: up to 10,001 ids, past SQLite's variable limit and
    cheaper to plan than thousands of placeholders."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


@dataclass
class RankedIds:
    """A relevance-ordered list: the ids the engine ranked that the list's other filters keep, and the
    queryset the page's rows are read from (a page at a time, in rank order). A queryset cannot carry
    the engine's order (it would take a CASE of thousands of branches), so the order lives here.
    Sliceable and sized, so Django's Paginator pages it as it pages a queryset."""

    ids: list[int]
    rows: QuerySet
    capped: bool = False

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = self.ids[index]
            by_id = self.rows.in_bulk(wanted)
            return [by_id[pk] for pk in wanted if pk in by_id]
        return self[index : index + 1][0]

    def prefetch_related(self, *lookups) -> "RankedIds":
        return RankedIds(ids=self.ids, rows=self.rows.prefetch_related(*lookups), capped=self.capped)
