"""Tantivy: the default engine, a top-k index (Block-Max WAND) in a directory beside the database.

Why: SQLite FTS5 and PostgreSQL ts_rank score every matching row before they can return the best 20,
so a common word over a million recommendations costs hundreds of milliseconds. Tantivy skips
documents that cannot reach the top k and counts matches in nanoseconds each.

Staying in step with the database (the database is the truth, the index is derived):
- every write to search_entry also writes the entry ids to search_pending, in the same transaction;
- after the commit, the writing process applies the queue to the index (on_commit), and every search
  applies what is still queued before it runs (a crash between commit and indexing loses nothing);
- applying an id reads the row as it is now: delete the document, add it again if the row exists.
  Applying twice gives the same index, so concurrent processes and replays are safe;
- `search_index --rebuild` writes a new index generation and switches to it when complete.

The database's own full-text index (FTS5 or tsvector) is written by every rebuild but not by each
edit while tantivy is the engine: at a million entries FTS5 stalled every few edits for about three
seconds (segment merges). After switching with SEARCH_BACKEND, run `search_index --rebuild`. One index
directory serves one machine: with several application servers on PostgreSQL, use the PostgreSQL
engine.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import connection, transaction

from coopreview.search.backends.base import Match
from coopreview.search.models import SearchEntry, SearchPending
from coopreview.search.text import ParsedQuery

log = logging.getLogger(__name__)

TEXT = "cr_text"  # our analyzer: words, lower case, accents folded, English (Porter 2) stems
TITLE_BOOST = 10.0  # as FTS5's bm25(10, 1): a word in the title counts ten times one in the text
READ_PATH_SYNC_LIMIT = 5000  # a search applies at most this many queued ids; the rest wait
# How often a search looks for ids queued by a process that died before applying them. A process that
# queued ids itself looks at once (read your own writes); other processes' writes are applied by them.
PENDING_CHECK_SECONDS = 1.0
FACET_SEP = "\x1f"
# Facets are counted exactly up to this many matches; beyond it over a sample of the matches (a fixed
# share of documents chosen by id), scaled up and marked approximate.
FACET_EXACT = 20_000
SAMPLE_BUCKETS = 64
WRITER_HEAP = 50_000_000
REBUILD_HEAP = 200_000_000


def _analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("bucket", indexed=True, fast=True)  # id's sample bucket, for facets
    builder.add_text_field("title", stored=False, tokenizer_name=TEXT)
    builder.add_text_field("body", stored=False, tokenizer_name=TEXT)
    builder.add_text_field("tokens", stored=False, tokenizer_name="whitespace")  # access + filters
    builder.add_text_field("facet", stored=False, tokenizer_name="raw", fast=True)  # "state\x1fSEN"
    return builder.build()


def index_dir() -> Path:
    return Path(getattr(settings, "SEARCH_INDEX_DIR", settings.DATA_DIR / "search-index"))


def _bucket(entry_id: int) -> int:
    return (entry_id * 2654435761 >> 8) % SAMPLE_BUCKETS  # spread neighbouring ids over buckets


def _facet_values(entry: dict) -> list[str]:
    values = [f"kind{FACET_SEP}{entry['kind']}", f"language{FACET_SEP}{entry['language']}"]
    values += [f"state{FACET_SEP}{code}" for code in entry["states"].split()]
    if entry["measure"]:
        values.append(f"measure{FACET_SEP}{entry['measure']}")
    values += [f"topic{FACET_SEP}{t}" for t in entry["topics"].split("|") if t]
    if entry["date"]:
        values.append(f"year{FACET_SEP}{str(entry['date'])[:4]}")
    return values


DOC_COLUMNS = ("id", "kind", "language", "title", "body", "tokens", "states", "measure", "topics", "date")


def _document(entry: dict) -> tantivy.Document:
    doc = tantivy.Document(id=entry["id"], bucket=_bucket(entry["id"]))
    doc.add_text("title", entry["title"])
    doc.add_text("body", entry["body"])
    doc.add_text("tokens", entry["tokens"])
    for value in _facet_values(entry):
        doc.add_text("facet", value)
    return doc


# --- the index on disk: generations, the current pointer, a lock -----------------------------------


@dataclass
class _Opened:
    generation: str
    index: tantivy.Index
    meta_mtime: int = 0
    current_mtime: int | None = None
    searcher: tantivy.Searcher | None = None
    cache: dict = field(default_factory=dict)


_opened: dict[Path, _Opened] = {}
_opened_lock = threading.Lock()
_state = {"dirty": False, "checked": 0.0}  # dirty: this process queued ids not yet seen applied


def _current_file(root: Path) -> Path:
    return root / "CURRENT"


def _create_generation(root: Path) -> tuple[str, tantivy.Index]:
    generation = f"{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path = root / generation
    path.mkdir(parents=True)
    index = tantivy.Index(_schema(), path=str(path))
    index.register_tokenizer(TEXT, _analyzer())
    return generation, index


def _switch(root: Path, generation: str) -> None:
    """Point CURRENT at `generation` atomically, then remove older generations."""
    tmp = root / f".CURRENT.{os.getpid()}"
    tmp.write_text(generation)
    os.replace(tmp, _current_file(root))
    for child in root.iterdir():
        if child.is_dir() and child.name != generation:
            shutil.rmtree(child, ignore_errors=True)


@contextmanager
def _locked(root: Path, timeout: float = 120.0):
    """One writer at a time across processes (tantivy allows one IndexWriter per index)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    message = f"the search index at {root} stayed locked for {timeout:.0f} s"
                    raise TimeoutError(message) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open(root: Path) -> _Opened:
    """The current generation, opened once per process and reopened when another process switched it."""
    current = _current_file(root)
    try:
        stamp = current.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    opened = _opened.get(root)
    if opened and stamp is not None and opened.current_mtime == stamp:
        return opened  # CURRENT unchanged since this process opened the index
    generation = current.read_text().strip() if stamp is not None else None
    with _opened_lock:
        opened = _opened.get(root)
        if opened and opened.generation == generation:
            opened.current_mtime = stamp
            return opened
        if generation is None or not (root / generation).exists():
            with _locked(root):
                generation = current.read_text().strip() if current.exists() else None
                if generation is None or not (root / generation).exists():
                    generation, index = _create_generation(root)
                    index.writer(heap_size=WRITER_HEAP, num_threads=1).commit()
                    _switch(root, generation)
        index = tantivy.Index.open(str(root / generation))
        index.register_tokenizer(TEXT, _analyzer())
        index.config_reader(reload_policy="Manual")  # reloaded when meta.json changes, see _searcher
        opened = _Opened(generation=generation, index=index, current_mtime=_mtime(current))
        _opened.pop(root, None)
        while len(_opened) >= 4:  # several directories only in tests (one per test): keep few open
            _opened.pop(next(iter(_opened)))
        _opened[root] = opened
        return opened


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _searcher(opened: _Opened, root: Path) -> tantivy.Searcher:
    """Reload when any process committed (meta.json changes at every commit): read your own writes."""
    try:
        mtime = (root / opened.generation / "meta.json").stat().st_mtime_ns
    except FileNotFoundError:
        mtime = 0
    if opened.searcher is None or mtime != opened.meta_mtime:
        opened.index.reload()
        opened.searcher = opened.index.searcher()
        opened.meta_mtime = mtime
    return opened.searcher


def _rows(ids: list[int]) -> list[dict]:
    return list(SearchEntry.objects.filter(id__in=ids).values(*DOC_COLUMNS))


def sync_if_pending() -> None:
    """The read path's check: cheap (one indexed query at most once a second, or after own writes)."""
    now = time.monotonic()
    if not _state["dirty"] and now - _state["checked"] < PENDING_CHECK_SECONDS:
        return
    _state["checked"] = now
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM search_pending LIMIT 1")
        pending = cursor.fetchone() is not None
    if pending:
        sync(limit=READ_PATH_SYNC_LIMIT)
    else:
        _state["dirty"] = False


def sync(*, limit: int | None = None) -> int:
    """Apply queued entry ids to the index. Returns how many ids were applied."""
    queued = SearchPending.objects.order_by("id").values_list("id", "entry_id")
    if not queued[:1]:
        return 0
    root = index_dir()
    opened = _open(root)
    with _locked(root):
        rows = list(queued[:limit] if limit else queued)
        if not rows:
            return 0
        ids = sorted({entry_id for _, entry_id in rows})
        writer = opened.index.writer(heap_size=WRITER_HEAP, num_threads=1)
        for entry_id in ids:
            writer.delete_documents_by_term("id", entry_id)
        for start in range(0, len(ids), 500):
            for entry in _rows(ids[start : start + 500]):
                writer.add_document(_document(entry))
        writer.commit()
        writer.wait_merging_threads()
        SearchPending.objects.filter(id__lte=rows[-1][0]).delete()
    return len(ids)


def rebuild_from_database(*, progress=None) -> int:
    """Write a new generation from every search_entry row, then switch to it."""
    root = index_dir()
    with _locked(root):
        generation, index = _create_generation(root)
        writer = index.writer(heap_size=REBUILD_HEAP, num_threads=1)
        n = 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(DOC_COLUMNS)} FROM search_entry")  # noqa: S608 — constants
            while batch := cursor.fetchmany(5000):
                for row in batch:
                    writer.add_document(_document(dict(zip(DOC_COLUMNS, row, strict=True))))
                n += len(batch)
                if progress:
                    progress(n)
        writer.commit()
        writer.wait_merging_threads()
        SearchPending.objects.all().delete()
        _switch(root, generation)
    return n


# --- queries ------------------------------------------------------------------------------------


def _term_groups(schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer, query: ParsedQuery) -> list:
    """One Must clause per term (a word or a phrase), matching title (boosted) or body."""
    clauses = []
    for term in query.terms:
        words = [w for word in term for w in analyzer.analyze(word)]
        if not words:
            continue
        if len(words) == 1:
            title = tantivy.Query.term_query(schema, "title", words[0])
            body = tantivy.Query.term_query(schema, "body", words[0])
        else:
            title = tantivy.Query.phrase_query(schema, "title", words)
            body = tantivy.Query.phrase_query(schema, "body", words)
        either = [(tantivy.Occur.Should, tantivy.Query.boost_query(title, TITLE_BOOST))]
        either.append((tantivy.Occur.Should, body))
        clauses.append(tantivy.Query.boolean_query(either))
    return clauses


def _any_token(schema: tantivy.Schema, tokens: list[str]) -> tantivy.Query:
    """Any of `tokens`, scoring nothing: access and filters decide what matches, not its rank."""
    options = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "tokens", t)) for t in tokens]
    return tantivy.Query.const_score_query(tantivy.Query.boolean_query(options), 0.0)


def build_query(schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer, query: ParsedQuery) -> tantivy.Query:
    must = _term_groups(schema, analyzer, query)
    if query.terms and not must:  # every word analysed away: match nothing rather than everything
        return tantivy.Query.empty_query()
    if query.access is not None:
        must.append(_any_token(schema, query.access))
    for group in query.filters:
        must.append(_any_token(schema, group))
    if not must:
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, clause) for clause in must])


FACET_AGGREGATION = {"f": {"terms": {"field": "facet", "size": 1000}}}


def facet_query(schema: tantivy.Schema, q: tantivy.Query, total: int) -> tuple[tantivy.Query, float]:
    """The query whose documents the facets count, and the factor scaling its counts: all matches up
    to FACET_EXACT, beyond it the matches in the first buckets (about FACET_EXACT of them)."""
    if total <= FACET_EXACT:
        return q, 1.0
    buckets = max(1, -(-SAMPLE_BUCKETS * FACET_EXACT // total))
    in_sample = tantivy.Query.range_query(schema, "bucket", tantivy.FieldType.Integer, 0, buckets - 1)
    sampled = tantivy.Query.boolean_query([(tantivy.Occur.Must, q), (tantivy.Occur.Must, in_sample)])
    return sampled, SAMPLE_BUCKETS / buckets


class TantivyBackend:
    """See the module docstring. One instance serves one search (it keeps that search's results)."""

    def __init__(self) -> None:
        from coopreview.search.backends import sql_backend

        self.sql = sql_backend()  # the database's own index, written by rebuilds (see the module doc)
        self._analyzer = _analyzer()
        self._rebuilding = False
        # the last search (query, count, engine query, searcher, schema), for count() and facet_counts()
        self._last: tuple | None = None

    # writes
    def after_write(self, entry_ids: list[int]) -> None:
        if self._rebuilding:
            self.sql.after_write(entry_ids)  # a rebuild writes the database's index too
        else:
            self._enqueue(entry_ids)

    def before_delete(self, entry_ids: list[int]) -> None:
        pass

    def after_delete(self, entry_ids: list[int]) -> None:
        self._enqueue(entry_ids)

    def _enqueue(self, entry_ids: list[int]) -> None:
        if entry_ids:
            SearchPending.objects.bulk_create([SearchPending(entry_id=i) for i in entry_ids])
            _state["dirty"] = True
            transaction.on_commit(_sync_after_commit)

    def before_rebuild(self) -> None:
        self.sql.before_rebuild()
        self._rebuilding = True  # the SQL index is rebuilt in one pass, this one from the table

    def after_rebuild(self) -> None:
        self._rebuilding = False
        self.sql.after_rebuild()
        rebuild_from_database()

    # reads
    def _search(self, query: ParsedQuery, *, limit: int, offset: int) -> tuple[list, int, _Opened]:
        sync_if_pending()
        root = index_dir()
        opened = _open(root)
        searcher = _searcher(opened, root)
        q = build_query(opened.index.schema, self._analyzer, query)
        if query.terms:
            result = searcher.search(q, limit=limit, offset=offset, count=True)
        else:  # no words to rank by: newest first (ids grow with object ids)
            result = searcher.search(
                q, limit=limit, offset=offset, count=True, order_by_field="id", order=tantivy.Order.Desc
            )
        self._last = (query, result.count, q, searcher, opened.index.schema)
        return result.hits, result.count, opened

    def matches(self, query: ParsedQuery, *, limit: int, offset: int) -> list[Match]:
        hits, _count, opened = self._search(query, limit=limit, offset=offset)
        searcher = self._last[3]
        out = []
        for key, address in hits:
            entry_id = searcher.doc(address).get_first("id")
            out.append(Match(entry_id, -float(key) if query.terms else -float(entry_id)))
        return out

    def count(self, query: ParsedQuery, *, cap: int) -> int:
        if self._last is None or self._last[0] is not query:
            self._search(query, limit=1, offset=0)
        return min(self._last[1], cap)

    def facet_counts(self, query: ParsedQuery, *, sample: int) -> tuple[dict[str, Counter], bool]:
        """Exact counts per facet value up to FACET_EXACT matches; beyond, counted over a fixed share
        of the documents (by id bucket) and scaled up, marked approximate."""
        if self._last is None or self._last[0] is not query:
            self._search(query, limit=1, offset=0)
        _query, total, q, searcher, schema = self._last
        facet_q, scale = facet_query(schema, q, total)
        result = searcher.aggregate(facet_q, FACET_AGGREGATION)
        counters: dict[str, Counter] = {}
        for bucket in result["f"]["buckets"]:
            name, _, value = bucket["key"].partition(FACET_SEP)
            counter = counters.get(name)
            if counter is None:
                counter = counters[name] = Counter()
            counter[value] = bucket["doc_count"] if scale == 1.0 else round(bucket["doc_count"] * scale)
        return counters, scale != 1.0


def _sync_after_commit() -> None:
    try:
        sync()
    except Exception:  # the queue keeps the ids: the next search or write applies them
        log.exception("could not apply queued changes to the search index")
