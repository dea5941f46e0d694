"""Tantivy: the default engine, a top-k index (Block-Max WAND) in a directory beside the database.

Why: SQLite FTS5 and PostgreSQL ts_rank score every matching row before they can return the best 20,
so a common word over a million recommendations costs hundreds of milliseconds. Tantivy skips
documents that cannot reach the top k and counts matches in nanoseconds each.

Staying in step with the database (the database is the truth, each index directory is derived):
- every write to search_entry also appends the entry ids to search_change, the change log, in the
  same transaction. The log is never consumed: rows leave it only by pruning (see prune_log);
- each index directory follows the log with its own cursor, the last log id it applied, written in
  the generation's directory after each tantivy commit (so one directory per application server,
  each following on its own; a second server never takes a change away from the first);
- follow() applies what is past the cursor. It runs after each commit in the writing process (best
  effort: it gives up at once when another process holds the index's writer lock) and in a follower
  loop (follower.py: a thread in `serve`, or `search_index --follow`). Searches never write: they
  read the current generation, reloading when another process committed, and return what it has;
- applying an id reads the row as it is now: delete the document, add it again if the row exists.
  Applying twice gives the same index, so a follower killed before it saved its cursor re-applies
  safely. Ids are taken from the log in id order, but a transaction may commit after a later id was
  already applied; follow() therefore also re-reads the last LOOKBACK seconds of the log;
- rebuild_from_database() writes a new generation beside the current one (no lock that saves or
  searches wait for), starting its cursor at the log's last id before it read the table, and
  switches to it when complete. A follower whose cursor is below the last pruned id, or without an
  index, rebuilds itself.

The database's own full-text index (FTS5 or tsvector) is written by every rebuild but not by each
edit while tantivy is the engine: at a million entries FTS5 stalled every few edits for about three
seconds (segment merges). After switching with SEARCH_BACKEND, run `search_index --rebuild`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import tantivy
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from coopreview.search.backends.base import Match
from coopreview.search.models import ChangeOp, SearchChange, SearchEntry, SearchFollower, SearchPrune
from coopreview.search.text import ParsedQuery

log = logging.getLogger(__name__)

TEXT = "cr_text"  # our analyzer: words, lower case, accents folded, English (Porter 2) stems
TITLE_BOOST = 10.0  # as FTS5's bm25(10, 1): a word in the title counts ten times one in the text
FOLLOW_BATCH = 5000  # log rows applied per tantivy commit
# With no index at all, the writing process builds it after its commit when the table is this small
# (a new installation, tests); a larger table is left to the follower loop.
INLINE_BUILD_LIMIT = 20_000
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


# --- the index on disk: generations, the current pointer, each generation's cursor, locks ----------


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
# Log rows this process applied within the lookback window, per generation: re-read, not re-applied.
_recent: dict[tuple[Path, str], set[int]] = {}
_last_prune = {"at": 0.0}

CURSOR_FILE = "LOG_CURSOR"


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def lookback_seconds() -> float:
    """How late a transaction may commit after a later log id was applied and still be seen."""
    return _setting("SEARCH_LOG_LOOKBACK_SECONDS", 600)


def retention() -> timedelta:
    return timedelta(days=_setting("SEARCH_LOG_RETENTION_DAYS", 7))


def _current_file(root: Path) -> Path:
    return root / "CURRENT"


def _current_generation(root: Path) -> str | None:
    try:
        generation = _current_file(root).read_text().strip()
    except FileNotFoundError:
        return None
    return generation if generation and (root / generation).is_dir() else None


def read_cursor(root: Path, generation: str) -> int | None:
    """The last log id applied to `generation`; None when unknown (the generation was never finished)."""
    try:
        return int((root / generation / CURSOR_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return None


def _write_cursor(root: Path, generation: str, cursor: int) -> None:
    """Written after the tantivy commit it describes, atomically: a crash in between leaves the older
    cursor, and the changes after it are applied again (idempotent)."""
    path = root / generation / CURSOR_FILE
    tmp = path.with_name(f".{CURSOR_FILE}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(str(cursor))
    os.replace(tmp, path)


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
def _locked(root: Path, *, timeout: float, name: str = ".lock"):
    """One writer at a time across processes (tantivy allows one IndexWriter per index). Raises
    TimeoutError after `timeout` seconds (0: at once). Searches never take it."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / name, "w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{root / name} is held by another process") from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open(root: Path) -> _Opened | None:
    """The current generation, opened once per process and reopened when another process switched it;
    None when there is no index yet. Reads only: no lock, nothing created."""
    current = _current_file(root)
    stamp = _mtime(current)
    opened = _opened.get(root)
    if opened and stamp is not None and opened.current_mtime == stamp:
        return opened  # CURRENT unchanged since this process opened the index
    generation = _current_generation(root)
    if generation is None:
        return None
    with _opened_lock:
        opened = _opened.get(root)
        if opened and opened.generation == generation:
            opened.current_mtime = stamp
            return opened
        index = tantivy.Index.open(str(root / generation))
        index.register_tokenizer(TEXT, _analyzer())
        index.config_reader(reload_policy="Manual")  # reloaded when meta.json changes, see _searcher
        opened = _Opened(generation=generation, index=index, current_mtime=stamp)
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
    """Reload when any process committed (meta.json changes at every commit)."""
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


# --- following the change log -------------------------------------------------------------------


def follower_name(root: Path) -> str:
    """How an index directory is registered: its machine and path."""
    return f"{socket.gethostname()}:{root.resolve()}"[:255]


def pruned_through() -> int:
    """Every log row up to this id may have been pruned (0: none ever was)."""
    return SearchPrune.objects.aggregate(m=Max("through"))["m"] or 0


def log_append(entry_ids: list[int], op: str, *more: tuple[list[int], str]) -> None:
    """Append to the change log (`entry_ids` with `op`, then each further (ids, op) in order, in one
    insert); call inside the transaction that changed search_entry."""
    now = timezone.now()
    rows = [
        SearchChange(entry_id=i, op=o, created_at=now) for ids, o in [(entry_ids, op), *more] for i in ids
    ]
    if rows:
        SearchChange.objects.bulk_create(rows)


def _apply(opened: _Opened, entry_ids: set[int]) -> None:
    ids = sorted(entry_ids)
    writer = opened.index.writer(heap_size=WRITER_HEAP, num_threads=1)
    for entry_id in ids:
        writer.delete_documents_by_term("id", entry_id)
    for start in range(0, len(ids), 500):
        for entry in _rows(ids[start : start + 500]):
            writer.add_document(_document(entry))
    writer.commit()
    writer.wait_merging_threads()


@dataclass
class FollowResult:
    applied: int = 0  # log rows applied to the index
    cursor: int | None = None
    rebuilt: bool = False
    skipped: str = ""  # why nothing was done ("locked", "no index", …)


def follow(*, lock_timeout: float = 2.0, may_rebuild: bool = True, batch: int = FOLLOW_BATCH) -> FollowResult:
    """Apply the change log past this directory's cursor to its current generation (one batch).
    Rebuilds when the directory has no index or its cursor is below the pruned part of the log."""
    root = index_dir()
    generation = _current_generation(root)
    cursor = read_cursor(root, generation) if generation else None
    if generation is None or cursor is None:
        small = not SearchEntry.objects.all()[INLINE_BUILD_LIMIT : INLINE_BUILD_LIMIT + 1].exists()
        if not may_rebuild and not small:
            return FollowResult(skipped="no index")
        log.warning("search index at %s: no complete index, building it from the database", root)
        return _rebuild_for_follower(root)
    through = pruned_through()
    if cursor < through:
        if not may_rebuild:
            return FollowResult(cursor=cursor, skipped="behind the log")
        log.warning(
            "search index at %s: its cursor %s is older than the oldest retained change (log pruned through"
            " %s); rebuilding it from the database",
            root,
            cursor,
            through,
        )
        return _rebuild_for_follower(root)
    try:
        with _locked(root, timeout=lock_timeout):
            return _follow_locked(root, batch)
    except TimeoutError:
        return FollowResult(cursor=cursor, skipped="locked")


def _follow_locked(root: Path, batch: int) -> FollowResult:
    opened = _open(root)  # under the lock: a rebuild may have switched generations meanwhile
    if opened is None:
        return FollowResult(skipped="no index")
    cursor = read_cursor(root, opened.generation)
    if cursor is None:
        return FollowResult(skipped="no index")
    since = timezone.now() - timedelta(seconds=lookback_seconds())
    ahead = list(
        SearchChange.objects.filter(id__gt=cursor).order_by("id").values_list("id", "entry_id")[:batch]
    )
    recent = _recent.setdefault((root, opened.generation), set())
    late = SearchChange.objects.filter(id__lte=cursor, created_at__gte=since).order_by("id")
    late = [(i, e) for i, e in late.values_list("id", "entry_id")[:batch] if i not in recent]
    rows = late + ahead
    if not rows:
        return FollowResult(cursor=cursor)
    _apply(opened, {entry_id for _, entry_id in rows})
    new_cursor = max(cursor, ahead[-1][0]) if ahead else cursor
    _write_cursor(root, opened.generation, new_cursor)
    recent.update(i for i, _ in rows)
    recent.difference_update({i for i in recent if i < new_cursor - 100 * batch})  # keep it bounded
    return FollowResult(applied=len(rows), cursor=new_cursor)


def _rebuild_for_follower(root: Path) -> FollowResult:
    try:
        n = rebuild_from_database(lock_timeout=0)
    except TimeoutError:
        return FollowResult(skipped="another rebuild is running")
    generation = _current_generation(root)
    return FollowResult(applied=n, cursor=read_cursor(root, generation) if generation else None, rebuilt=True)


def register_follower(cursor: int) -> None:
    """Report this directory's cursor (what pruning keeps the log for)."""
    name = follower_name(index_dir())
    updated = SearchFollower.objects.filter(name=name).update(cursor=cursor, seen_at=timezone.now())
    if not updated:
        SearchFollower.objects.get_or_create(name=name, defaults={"cursor": cursor})


@transaction.atomic
def prune_log() -> int:
    """Delete log rows every registered follower has applied, and rows past the retention window
    whatever the followers' cursors (a follower that far behind rebuilds itself). Followers not seen
    within the retention window are forgotten. Rows within the lookback window are always kept."""
    now = timezone.now()
    SearchFollower.objects.filter(seen_at__lt=now - retention()).delete()
    lowest = SearchFollower.objects.aggregate(m=Min("cursor"))["m"] or 0
    expired = SearchChange.objects.filter(created_at__lt=now - retention()).aggregate(m=Max("id"))["m"] or 0
    through = max(lowest, expired)
    settled = SearchChange.objects.filter(created_at__lt=now - timedelta(seconds=lookback_seconds()))
    through = min(through, settled.aggregate(m=Max("id"))["m"] or 0)
    if through <= pruned_through():
        return 0
    deleted, _ = SearchChange.objects.filter(id__lte=through).delete()
    SearchPrune.objects.all().delete()
    SearchPrune.objects.create(through=through)
    log.info("search change log pruned through %s (%s rows)", through, deleted)
    return deleted


def rebuild_from_database(*, progress=None, lock_timeout: float = 3600) -> int:
    """Write a new generation from every search_entry row, then switch to it. Saves and searches go on
    meanwhile: only other rebuilds wait (`lock_timeout`), and the switch takes the writer lock for an
    instant. The new generation's cursor is the log's last id before the table was read; followers
    apply what came after (and re-read the lookback window), so nothing written meanwhile is lost."""
    root = index_dir()
    with _locked(root, timeout=lock_timeout, name=".rebuild.lock"):
        start = max(SearchChange.objects.aggregate(m=Max("id"))["m"] or 0, pruned_through())
        generation, index = _create_generation(root)
        writer = index.writer(heap_size=REBUILD_HEAP, num_threads=1)
        n, last = 0, -1
        while batch := list(
            SearchEntry.objects.filter(id__gt=last).order_by("id").values(*DOC_COLUMNS)[:5000]
        ):
            for entry in batch:
                writer.add_document(_document(entry))
            n += len(batch)
            last = batch[-1]["id"]
            if progress:
                progress(n)
        writer.commit()
        writer.wait_merging_threads()
        _write_cursor(root, generation, start)
        with _locked(root, timeout=60):
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
        self._pending: list[tuple[list[int], str]] | None = None  # log rows held by one_log()
        # the last search (query, count, engine query, searcher, schema), for count() and facet_counts()
        self._last: tuple | None = None

    # writes
    def after_write(self, entry_ids: list[int]) -> None:
        if self._rebuilding:
            self.sql.after_write(entry_ids)  # a rebuild writes the database's index too
        else:
            self._log(entry_ids, ChangeOp.PUT)

    def before_delete(self, entry_ids: list[int]) -> None:
        pass

    def after_delete(self, entry_ids: list[int]) -> None:
        self._log(entry_ids, ChangeOp.DELETE)

    def _log(self, entry_ids: list[int], op: str) -> None:
        if not entry_ids:
            return
        if self._pending is not None:
            self._pending.append((entry_ids, op))
        else:
            log_append(entry_ids, op)
        _follow_once_after_commit()

    @contextmanager
    def one_log(self) -> Iterator[None]:
        """The log rows of the writes inside (an entry's old rows deleted, its new ones written), in
        order, in one insert at the end: one statement instead of one per write. Nothing is written
        if the block fails (its transaction is rolled back anyway)."""
        self._pending = pending = []
        try:
            yield
        finally:
            self._pending = None
        if pending:
            log_append(*pending[0], *pending[1:])

    def before_rebuild(self) -> None:
        self.sql.before_rebuild()
        self._rebuilding = True  # the SQL index is rebuilt in one pass, this one from the table

    def after_rebuild(self) -> None:
        self._rebuilding = False
        self.sql.after_rebuild()
        rebuild_from_database()

    # reads: never a write, never a lock; a lagging index answers with what it has
    def _search(self, query: ParsedQuery, *, limit: int, offset: int) -> tuple[list, int]:
        root = index_dir()
        opened = _open(root)
        if opened is None:  # no index yet: the follower builds it
            self._last = (query, 0, None, None, None)
            return [], 0
        searcher = _searcher(opened, root)
        q = build_query(opened.index.schema, self._analyzer, query)
        if query.terms:
            result = searcher.search(q, limit=limit, offset=offset, count=True)
        else:  # no words to rank by: newest first (ids grow with object ids)
            result = searcher.search(
                q, limit=limit, offset=offset, count=True, order_by_field="id", order=tantivy.Order.Desc
            )
        self._last = (query, result.count, q, searcher, opened.index.schema)
        return result.hits, result.count

    def matches(self, query: ParsedQuery, *, limit: int, offset: int) -> list[Match]:
        hits, _count = self._search(query, limit=limit, offset=offset)
        if not hits:
            return []
        # The id is a fast field: read by column for the whole batch, not a stored document per hit
        # (a list page reads up to 10,001 of them).
        ids = self._last[3].fast_field_values("id", [address for _key, address in hits])
        return [
            Match(entry_id, -float(key) if query.terms else -float(entry_id))
            for (key, _address), entry_id in zip(hits, ids, strict=True)
        ]

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
        if searcher is None:
            return {}, False
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


def _follow_once_after_commit() -> None:
    """Follow the log once after this transaction commits, however many times it appended to it (an
    edit logs its deletes and its puts: one follow applies both)."""
    connection = transaction.get_connection()
    open_now = set(connection.savepoint_ids)
    # One already registered at this level or an outer one runs whenever this one would.
    if any(func is _follow_after_commit and sids <= open_now for sids, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(_follow_after_commit)


def _follow_after_commit() -> None:
    """Best effort and short: the follower loop applies whatever this leaves."""
    try:
        follow(lock_timeout=0.2, may_rebuild=False)
    except Exception:  # the log keeps the changes: the follower applies them
        log.exception("could not apply logged changes to the search index")
