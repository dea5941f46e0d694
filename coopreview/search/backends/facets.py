"""Facet counting from sampled rows, for the SQL engines (tantivy aggregates inside its index)."""

import datetime as dt
from collections import Counter


def count_rows(rows: list[tuple]) -> dict[str, Counter]:
    """Counters per facet from (kind, language, states, measure, topics, date) rows."""
    counters: dict[str, Counter] = {}

    def add(name: str, value: str) -> None:
        counters.setdefault(name, Counter())[value] += 1

    for kind, language, states, measure, topics, day in rows:
        add("kind", kind)
        add("language", language)
        for code in states.split():
            add("state", code)
        if measure:
            add("measure", measure)
        for topic in filter(None, topics.split("|")):
            add("topic", topic)
        if day:
            add("year", str(day.year) if isinstance(day, dt.date) else str(day)[:4])
    return counters


class RowFacetsMixin:
    """facet_counts over the first `sample` matching rows (then marked approximate)."""

    def facet_counts(self, query, *, sample: int) -> tuple[dict[str, Counter], bool]:
        rows = self.facet_rows(query, sample=sample)
        return count_rows(rows), len(rows) >= sample

    def before_delete(self, entry_ids: list[int]) -> None:
        pass

    def after_delete(self, entry_ids: list[int]) -> None:
        pass
