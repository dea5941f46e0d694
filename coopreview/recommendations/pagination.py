"""Pagination that stays fast on large result sets: the count stops at COUNT_CAP + 1 rows."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 10_000


class RecommendationPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows, so a common word over a million recommendations costs a bounded
    count instead of a full one; beyond the cap the page says "more than 10,000" and paging stops there."""

    def __init__(self, object_list, per_page: int, *, count_set: QuerySet | None = None, **kwargs) -> None:
        """`count_set`: the same rows as `object_list`, in a shape the database counts faster."""
        super().__init__(object_list, per_page, **kwargs)
        self.count_set = count_set

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

    @property
    def cap(self) -> int:
        return COUNT_CAP
