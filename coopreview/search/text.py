"""Text helpers shared by the engines: accent folding, query parsing, tokens, safe highlighting."""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from html import escape  # the standard one: Django's lazy wrapper cost more than the escaping

MARK_START, MARK_END = "\ue000", "\ue001"  # private-use characters: never in stored text
_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\w+)', re.UNICODE)

# Words too common to help; dropped unless the query holds nothing else.
STOP_WORDS = frozenset(
    "a an and are as at be by for from in into is it of on or the to with what which how "
    "au aux avec ce ces d dans de des du en est et l la le les leur ou par pour qu que qui sa se "
    "ses son sur un une".split()
)


def fold(text: str) -> str:
    """Lower case without accents: "Témoins" → "temoins"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def clean_stored(text: str) -> str:
    return (text or "").replace(MARK_START, "").replace(MARK_END, "")


def token(prefix: str, value: object) -> str:
    """An access or facet token. Letters and digits only, wrapped in x…x so no stemmer touches it."""
    return f"x{prefix}{re.sub(r'[^a-z0-9]', '', fold(str(value)))}x"


@dataclass
class ParsedQuery:
    """Free user text as terms (folded words, phrases as word lists) plus access and filter tokens."""

    terms: list[list[str]] = field(default_factory=list)  # each item: one word, or a phrase
    access: list[str] | None = None  # None: no access restriction (editors)
    # The same rule as layers: whole layers open to the user, and org tokens for restricted entries.
    open_layer: str | None = None  # "public" or "members"; None with access None (editors)
    org_tokens: list[str] = field(default_factory=list)
    filters: list[list[str]] = field(default_factory=list)  # AND of ORs
    only_stop_words: bool = False

    @property
    def words(self) -> list[str]:
        return [w for term in self.terms for w in term]


def parse_terms(query: str) -> tuple[list[list[str]], bool]:
    """Words and quoted phrases; FTS syntax characters are dropped; stop words too unless that would
    leave nothing. Returns (terms, only_stop_words)."""
    terms: list[list[str]] = []
    for phrase, word in _PHRASE_OR_WORD.findall(query[:500]):
        words = _WORD.findall(fold(phrase)) if phrase else [fold(word)]
        words = [w.replace("_", "") for w in words if w.replace("_", "")]
        if words:
            terms.append(words)
    terms = terms[:20]
    meaningful = [t for t in terms if len(t) > 1 or t[0] not in STOP_WORDS]
    if terms and not meaningful:
        return terms, True
    return meaningful, False


def marks_to_html(text: str) -> str:
    """Escape everything, then turn the private-use marks into <mark> elements."""
    html = escape(text)
    opened = html.count(MARK_START)
    html = html.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return html + "</mark>" * max(0, opened - text.count(MARK_END))


class _FoldTable(dict):
    """str.translate table folding one character to one character (lower case, accents removed), so
    positions in the folded text are positions in the original: matches are found in the folded text
    and marked in the original."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)
        folded = "".join(c for c in base if not unicodedata.combining(c)).lower()
        self[code] = value = folded[:1] if len(folded) >= 1 else char
        return value


_FOLD_TABLE = _FoldTable()


@functools.lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern | None:
    """Words starting like a query word (an approximation of stemming: the word less its last two
    letters, at least four kept)."""
    stems = sorted({w[: max(4, len(w) - 2)] if len(w) > 4 else w for w in words if w}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, stems)) + r")\w*")


def highlight(text: str, words: list[str], *, window: int = 0) -> str:
    """Mark the words of `text` that start like a query word, and with `window`, keep about that many
    words around the first match. Returns marked plain text. Only the part shown is scanned word by
    word, so long documents cost little."""
    if window and not _WORD.search(text):
        return text[:300]
    pattern = _pattern(tuple(words))
    folded = text.translate(_FOLD_TABLE)
    begin, finish = 0, len(text)
    if window:
        first = pattern.search(folded) if pattern else None
        anchor = first.start() if first else 0
        lead = window // 3
        region = max(0, anchor - 400)  # enough for `lead` words before the first match
        starts = [m.start() for m in _WORD.finditer(folded, region, anchor)]
        if len(starts) >= lead:
            begin = starts[-lead] if lead else anchor
        else:
            begin = 0 if region == 0 else (starts[0] if starts else anchor)
        for count, m in enumerate(_WORD.finditer(folded, begin), start=1):
            if count == window:
                finish = m.end()
                break
    out, cursor = [], begin
    if pattern:
        for m in pattern.finditer(folded, begin, finish):
            out.append(text[cursor : m.start()])
            out.append(MARK_START + text[m.start() : m.end()] + MARK_END)
            cursor = m.end()
    out.append(text[cursor:finish])
    prefix = "…" if begin > 0 else ""
    suffix = "…" if finish < len(text) else ""
    return prefix + "".join(out) + suffix
