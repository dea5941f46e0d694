"""What every parser produces: records with the place they came from, and problems with theirs.

Parsers are pure Python (no database): they read a file and return a ParseResult. Resolving names
to organisations and writing happens in services.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

Progress = Callable[[int, int], None]  # (done, total)


class ImportFileError(Exception):
    """The file as a whole cannot be read. The message names the file and, where known, the place."""


@dataclass
class Place:
    file: str
    sheet: str = ""
    table: int | None = None  # Word tables, numbered from 1
    row: int | None = None
    page: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        return self.format(place_words())

    def format(self, words: dict[str, str]) -> str:
        """With the translated words fetched once (place_words()): fast for 100,000 rows."""
        parts = [self.file]
        if self.sheet:
            parts.append(words["sheet"] % {"sheet": self.sheet})
        if self.table is not None:
            parts.append(words["table"] % {"table": self.table})
        if self.page is not None:
            parts.append(words["page"] % {"page": self.page})
        if self.row is not None:
            parts.append(words["row"] % {"row": self.row})
        if self.line is not None:
            parts.append(words["line"] % {"line": self.line})
        return ", ".join(parts)


def place_words() -> dict[str, str]:
    return {
        "sheet": _("sheet %(sheet)s"),
        "table": _("table %(table)s"),
        "page": _("page %(page)s"),
        "row": _("row %(row)s"),
        "line": _("line %(line)s"),
    }


@dataclass
class ParsedRecord:
    reference: str
    text: str
    section: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    priority_flags: list[str] = field(default_factory=list)
    recommended_by: list[str] = field(default_factory=list)
    response: str = ""
    page: int | None = None
    themes: list[str] = field(default_factory=list)
    text_fr: str = ""
    visibility: str = ""
    source: str = ""  # document symbol, when the file names one per row
    review: str = ""  # "Algeria 2008": the review a row belongs to, when the file spans several
    place: Place | None = None

    def as_json(self) -> dict:
        data = asdict(self)
        place = data.pop("place")
        data["place"] = str(self.place) if place else ""
        return data


@dataclass
class Problem:
    place: Place
    reason: str
    blocking: bool = True  # a blocking problem stops the apply; a warning (ignored column) does not

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}"


@dataclass
class ParseResult:
    records: list[ParsedRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # e.g. {"state_under_review": "Albania"}


SENTENCE_END = re.compile(r"[.!?;:][\"”’)\]]?$")
HYPHEN_KEEP = {
    "anti", "non", "co", "self", "pre", "post", "multi", "inter", "socio", "ex", "well", "all", "long",
    "high", "full", "mandate", "follow", "cross", "counter", "semi", "sub", "re", "low", "short",
}  # fmt: skip


def join_lines(lines: list[str]) -> str:
    """Re-join wrapped lines: single spaces, words split by a line-end hyphen repaired."""
    out = ""
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        if not out:
            out = line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            fragment = re.split(r"[\s(/]", out[:-1])[-1].lower()
            out = out + line if fragment in HYPHEN_KEEP else out[:-1] + line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].isupper():
            out = out + line  # "OP-" + "CAT", "Anti-" + "Discrimination"
        else:
            out = f"{out} {line}"
    return out.strip()


def normalise_header(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces: "Entité  responsable" → "entite responsable"."""
    import unicodedata

    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def split_names(value: str, *, separators: str = ";,\n|", ampersand: bool = True) -> list[str]:
    """ "Mexico; Egypt" / "Assembly & Court" / "France, Chile" → a list of names (parentheses kept whole)."""
    parts, depth, current = [], 0, ""
    for char in value or "":
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if depth == 0 and char in separators:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    names: list[str] = []
    for part in parts:
        for piece in re.split(r"\s+&\s+", part.strip()) if ampersand else [part]:
            piece = piece.strip(" .;")
            if piece and piece not in names:
                names.append(piece)
    return names


def display_name(path: Path | str) -> str:
    return Path(path).name


def decode_bytes(data: bytes, *, file: str) -> str:
    """Text in any encoding a spreadsheet or editor writes: UTF-8 (with or without BOM), UTF-16
    (BOM, or none with NUL bytes), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data[:200].count(b"\x00") > len(data[:200]) // 4:
        even_nuls = data[0:200:2].count(b"\x00")
        return data.decode("utf-16-be" if even_nuls > data[1:200:2].count(b"\x00") else "utf-16-le")
    if b"\x00" in data:
        raise ImportFileError(_("%(file)s: this is a binary file, not text.") % {"file": file})
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("%(file)s: unknown text encoding (byte %(pos)s); save it as UTF-8 and try again.")
            % {"file": file, "pos": exc.start}
        ) from exc


def read_text(path: Path, *, file: str) -> str:
    return decode_bytes(Path(path).read_bytes(), file=file)


RESPONSE_PATTERNS = [
    ("rejected", r"did not (?:enjoy|receive) the support|not supported|\breject|non soutenue|\brejet"
                 r"|not accepted|n.ont pas (?:recueilli|re[çc]u|b[ée]n[ée]fici[ée])"
                 r"|ne (?:b[ée]n[ée]ficient|recueillent) pas|n.(?:a|ont) pas [ée]t[ée] accept"),
    ("implemented", r"already (?:been )?implemented|process of implementation|\bimplemented\b"
                    r"|d[ée]j[àa] (?:[ée]t[ée] )?(?:mises?|appliqu)"
                    r"|en cours (?:de mise en (?:œ|oe)uvre|d.application)"),
    ("consider", r"will be examined|will examine|in due time|outcome report|\bconsider|\bpending\b"
                 r"|seront examin|examinera|en temps (?:voulu|utile)|r[ée]ponses? .{0,40}au plus tard"),
    ("noted", r"\bnoted\b|prend note|pris note|not[ée]e\b"),
    ("supported", r"enjoy the support|\bsupport|\baccept|soutenue|\bsoutien|appuy[ée]e|accept[ée]e"
                  r"|recueilli (?:l.|son )?(?:adh[ée]sion|appui|soutien)|b[ée]n[ée]ficient (?:de l.|du )"
                  r"(?:appui|soutien)|\bappuie"),
]  # fmt: skip
RESPONSE_VALUES = {"supported", "noted", "consider", "implemented", "rejected"}
RESPONSE_WORDS = {"implement": "implemented", "implementing": "implemented", "examine": "consider"}


def normalise_response(text: str) -> str:
    """A printed response → one of the Response values, or "" when none is stated."""
    value = " ".join(str(text or "").lower().split())
    if not value:
        return ""
    if value in RESPONSE_VALUES:
        return value
    if value in RESPONSE_WORDS:
        return RESPONSE_WORDS[value]
    for response, pattern in RESPONSE_PATTERNS:
        if re.search(pattern, value):
            return response
    return ""
