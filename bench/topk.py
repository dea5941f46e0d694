"""Probe: what a top-k engine (tantivy, Block-Max WAND) gives on the same corpus and queries.

This is a measurement, not the platform: it answers "would a well-kept top-k engine meet the targets
FTS5 cannot?" before anyone wires one into the search selector. The index is built from the bench
SQLite file with the filters as indexed terms (visibility, themes); each query returns the exact match
count and the top 20, whose rows are then read from SQLite like the floor does.
"""

import re
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

try:
    import tantivy
except ImportError:  # the probe is optional: pip install -e '.[bench]'
    tantivy = None

from bench.queries import Query, query_set

_TOKEN = re.compile(r'"[^"]+"|[\w][\w\'’-]*', re.UNICODE)


def _analyzer():
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def _schema():
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("body", stored=False, tokenizer_name="fold")
    sb.add_text_field("vis", stored=False, tokenizer_name="raw")
    sb.add_integer_field("theme", indexed=True)
    return sb.build()


def build(db: str, path: Path) -> dict:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    schema = _schema()
    index = tantivy.Index(schema, path=str(path))
    index.register_tokenizer("fold", _analyzer())
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    rows = conn.execute(
        "SELECT r.id, r.reference || ' ' || r.text || ' ' || r.text_fr, r.visibility, "
        "(SELECT group_concat(theme_id) FROM recommendations_recommendation_themes t "
        " WHERE t.recommendation_id = r.id) FROM recommendations_recommendation r"
    )
    n = 0
    for rid, body, vis, themes in rows:
        doc = tantivy.Document(id=rid, body=body, vis=vis)
        for theme in (themes or "").split(","):
            if theme:
                doc.add_integer("theme", int(theme))
        writer.add_document(doc)
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return {"documents": n, "seconds": round(time.perf_counter() - start, 1), "size_mb": round(size / 1e6, 1)}


class Probe:
    def __init__(self, db: str, path: Path, themes: dict[str, int]) -> None:
        self.index = tantivy.Index.open(str(path))
        self.index.register_tokenizer("fold", _analyzer())
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.analyzer = _analyzer()
        self.conn = sqlite3.connect(db)
        self.themes = themes

    def _tokens(self, text: str) -> list[str]:
        return list(self.analyzer.analyze(text))

    def query(self, q: Query) -> tantivy.Query:
        """The same semantics as the platform's FTS5 expression: every word, phrases kept, last bare
        word as a prefix; then the filters as terms."""
        must = []
        tokens = _TOKEN.findall(q.q)
        for i, token in enumerate(tokens):
            words = self._tokens(token.strip('"'))
            if not words:
                continue
            if token.startswith('"'):
                must.append(tantivy.Query.phrase_query(self.schema, "body", words))
                continue
            for j, word in enumerate(words):
                last = i == len(tokens) - 1 and j == len(words) - 1 and len(word) >= 2
                if last:
                    must.append(tantivy.Query.phrase_prefix_query(self.schema, "body", [word]))
                else:
                    must.append(tantivy.Query.term_query(self.schema, "body", word))
        must.append(tantivy.Query.term_query(self.schema, "vis", "public"))
        if q.theme:
            must.append(tantivy.Query.term_query(self.schema, "theme", self.themes[q.theme]))
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, m) for m in must])

    def run(self, q: Query) -> int:
        result = self.searcher.search(self.query(q), limit=20, count=True)
        ids = [self.searcher.doc(addr)["id"][0] for _score, addr in result.hits]
        if ids:
            marks = ",".join("?" * len(ids))
            self.conn.execute(
                f"SELECT id, reference, text FROM recommendations_recommendation WHERE id IN ({marks})",  # noqa: S608
                ids,
            ).fetchall()
        return result.count


def available() -> bool:
    return tantivy is not None


def measure(db: str, work: Path, themes: dict[str, int], log=print) -> dict:
    path = work / "tantivy"
    log("top-k probe: building the tantivy index")
    built = build(db, path)
    probe = Probe(db, path, themes)
    queries = query_set()
    for q in queries:
        probe.run(q)
    samples, counts = [], []
    for q in queries:
        start = time.perf_counter()
        counts.append(probe.run(q))
        samples.append((time.perf_counter() - start) * 1000)
    ordered = sorted(samples)
    return {
        "engine": f"tantivy {getattr(tantivy, '__version__', '')}".strip(),
        "index": built,
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(round(0.95 * (len(ordered) - 1)))], 2),
        "max_ms": round(ordered[-1], 2),
        "counts": counts,
        "note": "probe only: not wired into the platform's search selector",
    }


def fts5_counts(db: str, themes: dict[str, int]) -> list[int]:
    """Exact FTS5 match counts with the same filters, to check the probe answers the same question."""
    from bench.searchbench import FTS_FROM, THEME_JOIN
    from coopreview.recommendations.search import fts5_match_expression

    conn, out = sqlite3.connect(db), []
    for q in query_set():
        params = {"q": fts5_match_expression(q.q)} | ({"theme": themes[q.theme]} if q.theme else {})
        frm = FTS_FROM.format(theme_join=THEME_JOIN if q.theme else "")
        out.append(conn.execute(f"SELECT count(*) {frm}", params).fetchone()[0])  # noqa: S608
    return out


def attach(search: dict, probe: dict, db: str, themes: dict[str, int]) -> None:
    """Put the probe's figures beside the search results, with its agreement with the FTS5 counts."""
    counts = probe.pop("counts")
    probe["count_mismatches_vs_fts5"] = sum(
        1 for a, b in zip(counts, fts5_counts(db, themes), strict=True) if a != b
    )
    if search.get("peer"):
        probe["ratio_probe_peer"] = round(probe["median_ms"] / search["peer"]["median_ms"], 3)
    search["topk_probe"] = probe
