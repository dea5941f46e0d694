"""The one search across recommendations, State profiles, practices, case law and documents.

    search(*, query, user, filters, limit=20, offset=0) -> SearchResults

Access layers are tokens inside the engine's query (see indexers.IndexRow.tokens), so no title,
snippet, count or facet number can come from an entry the user may not open.
"""

import datetime as dt
import functools
import heapq
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from coopreview.accounts.layers import reach_of
from coopreview.accounts.selectors import (
    AnyUser,
    organisation_names_by_code,
)
from coopreview.knowledge.enums import Measure
from coopreview.search.backends import get_backend
from coopreview.search.models import Kind, entries_for_page, object_id_of
from coopreview.search.text import ParsedQuery, highlight, marks_to_html, parse_terms, token

COUNT_CAP = 10_000  # beyond this the count shows as "10,000+": counting every match costs too much
# Facet numbers are computed over at most this many matches (then marked "approximate").
FACET_SAMPLE = int(getattr(settings, "SEARCH_FACET_SAMPLE", 1000))
MAX_LIMIT = 100
HIGHLIGHT_CHARS = 100_000  # snippets are looked for in the beginning of long documents only
FACETS = ("kind", "state", "measure", "topic", "language", "year")
FACET_VALUES_SHOWN = 30  # per facet, the most frequent (years: the latest)
LANGUAGES = {"en": _("English"), "fr": _("French")}


@dataclass
class Hit:
    kind: str
    kind_label: str
    object_id: int
    language: str
    url: str
    title_html: str  # escaped, with <mark> around matched words
    snippet_html: str
    states: list[str]
    measure: str
    date: dt.date | None
    score: float


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_capped: bool = False  # True: there are at least `total` matches ("10,000+")
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_approximate: bool = False
    only_stop_words: bool = False
    limit: int = 20
    offset: int = 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.hits) < self.total


def access_tokens(user: AnyUser) -> list[str] | None:
    """The tokens an entry must carry (any of) for `user` to open it; None for editors (everything).
    The index stores a record's layer as "vis" and, when restricted, its organisations as "org"."""
    reach = reach_of(user)
    if reach.everything:
        return None
    tokens = [token("vis", layer) for layer in reach.layers]
    return tokens + [token("org", org) for org in sorted(reach.organisations)]


def _values(raw: object) -> list[str]:
    if raw is None:
        return []
    items = raw if isinstance(raw, list | tuple | set) else [raw]
    return [str(v).strip() for v in items if str(v).strip()][:20]


def parse_query(*, query: str, user: AnyUser, filters: dict) -> ParsedQuery:
    terms, only_stop_words = parse_terms(query or "")
    groups = []
    for name in FACETS:  # unknown filter names are ignored; unknown values match nothing
        values = _values((filters or {}).get(name))
        if values:
            groups.append([token(name, v) for v in values])
    access = access_tokens(user)
    return ParsedQuery(
        terms=terms,
        access=access,
        open_layer=None if access is None else reach_of(user).layers[-1],
        org_tokens=[t for t in access or [] if t.startswith("xorg")],
        filters=groups,
        only_stop_words=only_stop_words,
    )


@functools.lru_cache(maxsize=8)
def _fixed_labels(language: str) -> dict[str, dict[str, str]]:
    """Labels of kinds, measures and languages in `language` (translated once, not on every search)."""
    with translation.override(language):
        return {
            "kind": {k: str(v) for k, v in Kind.choices},
            "measure": {k: str(v) for k, v in Measure.choices},
            "language": {k: str(v) for k, v in LANGUAGES.items()},
        }


def _facets(counters: dict[str, Counter], filters: dict) -> dict[str, list[FacetValue]]:
    labels = {
        **_fixed_labels(translation.get_language() or "en"),
        "state": organisation_names_by_code(counters.get("state", ())),
    }
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        counter = counters.get(name) or {}
        names = labels.get(name, {})
        selected = set(_values((filters or {}).get(name)))
        # Hundreds of values per facet on a broad query: pick the 30 shown before building objects.
        if name == "year":
            top = heapq.nlargest(FACET_VALUES_SHOWN, counter.items())
        else:
            top = heapq.nsmallest(
                FACET_VALUES_SHOWN, counter.items(), key=lambda item: (-item[1], names.get(item[0], item[0]))
            )
        facets[name] = [FacetValue(v, names.get(v, v), n, v in selected) for v, n in top]
    return facets


def search(*, query: str, user: AnyUser, filters: dict, limit: int = 20, offset: int = 0) -> SearchResults:
    """Ranked matches the user may open, with highlighted snippets, facets and a (capped) total."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), COUNT_CAP))
    parsed = parse_query(query=query, user=user, filters=filters)
    backend = get_backend()
    matches = backend.matches(parsed, limit=limit, offset=offset)
    entries = entries_for_page([m.entry_id for m in matches], body_chars=HIGHLIGHT_CHARS)
    hits = []
    kinds = _fixed_labels(translation.get_language() or "en")["kind"]
    for m in matches:
        entry = entries.get(m.entry_id)
        if entry is None:
            continue
        hits.append(
            Hit(
                kind=entry.kind,
                kind_label=kinds.get(entry.kind, entry.kind),
                object_id=entry.object_id,
                language=entry.language,
                url=entry.url,
                title_html=marks_to_html(highlight(entry.title, parsed.words)),
                snippet_html=marks_to_html(highlight(entry.body, parsed.words, window=32)),
                states=entry.states.split(),
                measure=entry.measure,
                date=entry.date,
                score=m.score,
            )
        )
    if offset == 0 and len(hits) < limit:
        total = len(hits)  # the whole result is on this page: no count query needed
    else:
        total = backend.count(parsed, cap=COUNT_CAP + 1)
    capped = total > COUNT_CAP
    counters, approximate = backend.facet_counts(parsed, sample=FACET_SAMPLE)
    return SearchResults(
        query=query,
        hits=hits,
        total=min(total, COUNT_CAP),
        total_capped=capped,
        facets=_facets(counters, filters),
        facets_approximate=approximate,
        only_stop_words=parsed.only_stop_words,
        limit=limit,
        offset=offset,
    )


@dataclass
class RecordMatches:
    """The records of one kind matching a query, best first, each once whatever its languages."""

    ids: list[int]
    capped: bool  # more than `cap` records match: `ids` holds the best `cap` + 1


def has_terms(query: str) -> bool:
    """Whether `query` holds words to search for (punctuation alone searches for nothing, as on /search/)."""
    return bool(parse_terms(query or "")[0])


def matching_records(*, query: str, user: AnyUser, kind: str, cap: int = COUNT_CAP) -> RecordMatches:
    """The ids of the `kind` records whose index entries match `query` for `user`: the same parsing,
    engine and access tokens as search(), so a list filtered by these words holds exactly the records
    /search/ finds for them. A record indexed in two languages counts once (its best entry's rank)."""
    parsed = parse_query(query=query, user=user, filters={"kind": [kind]})
    backend = get_backend()
    ids: dict[int, None] = {}  # insertion-ordered: best first
    offset, batch = 0, cap + 1
    while True:
        matches = backend.matches(parsed, limit=batch, offset=offset)
        for m in matches:
            ids.setdefault(object_id_of(m.entry_id), None)
        if len(ids) > cap or len(matches) < batch:
            break
        offset += batch  # records matching in both languages: look further for cap + 1 records
    found = list(ids)
    return RecordMatches(ids=found[: cap + 1], capped=len(found) > cap)


def filter_errors(filters: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(facet, value, message) for each filter value that can never match: an unknown type, measure,
    language or State code, or a year that is not a year. The page says so instead of silently
    showing nothing."""
    from coopreview.accounts.models import Organisation

    fixed = _fixed_labels(translation.get_language() or "en")
    errors: list[tuple[str, str, str]] = []
    states = set(
        Organisation.objects.filter(code__in=filters.get("state", [])).values_list("code", flat=True)
    )
    for name, values in filters.items():
        for value in values:
            if name in fixed and value not in fixed[name]:
                known = ", ".join(sorted(fixed[name]))
                message = _("“%(value)s” is not a valid %(facet)s (valid values: %(known)s).") % {
                    "value": value,
                    "facet": name,
                    "known": known,
                }
            elif name == "year" and not (value.isdigit() and len(value) == 4):
                message = _("“%(value)s” is not a valid year (four digits, such as 2024).") % {"value": value}
            elif name == "state" and value not in states:
                message = _("“%(value)s” is not a known State code (three letters, such as SEN).") % {
                    "value": value
                }
            else:
                continue
            errors.append((name, value, str(message)))
    return errors
