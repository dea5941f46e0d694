from collections import Counter
from dataclasses import dataclass
from typing import Protocol

from coopreview.search.text import ParsedQuery


@dataclass
class Match:
    entry_id: int
    score: float  # lower is better


class Backend(Protocol):
    """What an engine does. Access and facet filters arrive as tokens (ParsedQuery.access/filters)
    and must be applied inside the engine's query, so nothing the user may not open is ever scored,
    counted or returned."""

    def after_write(self, entry_ids: list[int]) -> None:
        """Called in the writing transaction after search_entry rows were inserted or updated."""

    def before_delete(self, entry_ids: list[int]) -> None:
        """Called in the writing transaction before search_entry rows are deleted."""

    def after_delete(self, entry_ids: list[int]) -> None:
        """Called in the writing transaction after search_entry rows were deleted."""

    def before_rebuild(self) -> None:
        """Called before a full rebuild, in its transaction (e.g. to pause per-row indexing)."""

    def after_rebuild(self) -> None:
        """Called after a full rebuild (e.g. to optimise the index)."""

    def matches(self, query: ParsedQuery, *, limit: int, offset: int) -> list[Match]:
        """Best first."""

    def count(self, query: ParsedQuery, *, cap: int) -> int:
        """Number of matches, counting at most `cap`."""

    def facet_counts(self, query: ParsedQuery, *, sample: int) -> tuple[dict[str, Counter], bool]:
        """Matches per facet value ({"state": Counter({"SEN": 3}), …}) and whether the counts are
        approximate (computed over about `sample` matches rather than all of them)."""
