"""Pagination that stays fast on large result sets: the count stops at a cap + 1 rows."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000  # the furthest any count (and so the paging) goes
COUNT_AHEAD = 1_000  # with `near_page`: how far past the asked page the count looks, in steps of this


class RecommendationPaginator(Paginator):
    """Counts at most `cap` + 1 rows, so a common word over a million recommendations costs a bounded
    count instead of a full one; beyond the cap the page says "more than <cap>" and shows no page total.

    The cap is COUNT_CAP. Given `near_page` (the page number asked for, as in the query string), it is
    the end of that page rounded up to a multiple of COUNT_AHEAD, at most COUNT_CAP: page 1 counts 1,001
    rows instead of 10,001 (the count was most of a filtered page's time at a million rows), and the cap
    moves on as the reader pages on, so paging still reaches COUNT_CAP. The number shown is always
    exact or "more than" a true bound.
    """

    def __init__(
        self,
        object_list,
        per_page: int,
        *,
        count_set: QuerySet | None = None,
        near_page: int | str | None = None,
        **kwargs,
    ) -> None:
        """`count_set`: the same rows as `object_list`, in a shape the database counts faster."""
        super().__init__(object_list, per_page, **kwargs)
        self.count_set = count_set
        self.near_page = near_page

    @cached_property
    def count(self) -> int:
        object_list = self.object_list if self.count_set is None else self.count_set
        if hasattr(object_list, "order_by"):
            # Ordering (and ranking) does not change how many rows there are.
            return object_list.order_by()[: self.cap + 1].count()
        return min(len(object_list), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def cap(self) -> int:
        if self.near_page is None:
            return COUNT_CAP
        try:
            number = max(1, int(self.near_page))
        except (TypeError, ValueError):
            number = 1  # get_page() shows page 1 for a page that is not a number
        end = number * int(self.per_page)
        return min(COUNT_CAP, max(COUNT_AHEAD, -(-end // COUNT_AHEAD) * COUNT_AHEAD))
