"""Text copied out of a PDF table whose cells came out interleaved (reference, text, addressee, mark).

The table has a reference column, a text column, an addressee column ("Court", "Assembly &
Court") and a priority column ("x"). Extraction emits the cells of a row in reading order of
their baselines, so the reference and addressee lines fall inside the text lines, headings of
clusters run into the first line of text, and a word of text may stick to an addressee cell.

Reconstruction:
1. classify each line: reference, addressee (alone, or followed by a few words of text), mark,
   heading, or text;
2. every addressee and mark belongs to the reference before it;
3. the text lines between two references are cut where the next recommendation most likely starts
   (after the previous addressee; a capital after a full stop scores best), or at a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from coopreview.importers.names import institution_code
from coopreview.importers.parsers.base import (
    SENTENCE_END,
    ImportFileError,
    ParsedRecord,
    ParseResult,
    Place,
    Problem,
    join_lines,
)

ADDRESSEE_WORD = (
    r"(?:Assembly|Court|ASP|OTP|Registry|Presidency|Chambers|Bureau|States(?: Parties)?|"
    r"Assembl[ée]e|Cour|Greffe|Bureau du Procureur|Pr[ée]sidence|[ÉE]tats(?: Parties)?)"
)
ADDRESSEE = rf"{ADDRESSEE_WORD}(?:\s*(?:&|and|et|/|,)\s*{ADDRESSEE_WORD})*"
ADDRESSEE_LINE = re.compile(rf"^({ADDRESSEE})$")
ADDRESSEE_THEN_TEXT = re.compile(rf"^({ADDRESSEE})\s+([a-z][^\s]*(?:\s+\S+){{0,4}})$")
REFERENCE_LINE = re.compile(r"^(?:R\s?)?(\d{1,4}(?:\.\d{1,3})*[a-z]?)\.?$")
REFERENCE_THEN_TEXT = re.compile(r"^(?:R\s?)?(\d{1,4}(?:\.\d{1,3})*[a-z]?)\.?\s+([A-Z\"“(].*)$")
MARK_LINE = re.compile(r"^[xX✓✔✗•*]$")
ANNEX_START = re.compile(r"^\s*(?:\S+\s+)?(?:Annex|Annexe)\b.*$", re.IGNORECASE)
COLUMN_HEADERS = {
    "priorities", "priority", "priorité", "priorités", "recommendation", "recommendations",
    "recommandation", "recommandations", "no", "no.", "n°", "addressee", "addressees", "destinataire",
    "reference", "référence", "text", "texte",
}  # fmt: skip
OPEN_WORDS = {
    "the", "a", "an", "of", "to", "for", "with", "and", "or", "in", "on", "by", "from", "that", "as",
    "de", "la", "le", "les", "des", "du", "et", "ou", "à", "au", "aux", "pour", "par", "en",
}  # fmt: skip
SENTENCE_STARTERS = {
    "The", "A", "An", "In", "This", "These", "Those", "It", "There", "Each", "All", "States",
    "Consideration", "To", "Le", "La", "Les", "Un", "Une", "Il", "Des",
}  # fmt: skip


@dataclass
class Token:
    kind: str  # ref, text, addr, mark, heading
    value: str
    line: int


@dataclass
class Block:
    reference: str
    line: int
    text: list[Token] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    marks: int = 0
    section: list[str] = field(default_factory=list)


def _annex_lines(text: str) -> list[tuple[int, str]]:
    lines = [(n, " ".join(raw.split())) for n, raw in enumerate(text.splitlines(), start=1)]
    starts = [i for i, (_, line) in enumerate(lines) if ANNEX_START.match(line) and len(line) < 60]
    # The annex begins at the last short "… Annex …" line that is followed by a reference somewhere.
    for i in reversed(starts):
        if any(REFERENCE_LINE.match(line) or REFERENCE_THEN_TEXT.match(line) for _n, line in lines[i + 1 :]):
            lines = lines[i + 1 :]
            break
    return [(n, line) for n, line in lines if line]


# A table read row by row (pdfplumber, pdftotext): "274 The OTP and the ASP … Assembly & x", the
# addressee cell's second line at the end of the next text line ("… to the Court").
HEADER_ROW = re.compile(r"^(?:No\.?|N°|Ref\.?|Reference)\s+Recomm\w+(?:\s+\S+){1,3}$", re.IGNORECASE)
ROW_LINE = re.compile(
    rf"^(?:R\s?)?(\d{{1,4}}(?:\.\d{{1,3}})*)\.?\s+(\S.*?)\s+({ADDRESSEE})(\s*(?:&|and|et))?(?:\s+([xX✓✔]))?$"
)
ROW_CONTINUATION = re.compile(rf"^(.*\S)\s+({ADDRESSEE_WORD})$")


def _row_tokens(lines: list[tuple[int, str]]) -> list[Token] | None:
    """Tokens of a table whose rows came out one per line with the cells side by side, or None when
    the text has no such header row ("No. Recommendation Responsible Priority")."""
    if not any(HEADER_ROW.match(line) for _n, line in lines):
        return None
    tokens: list[Token] = []
    open_addressee: Token | None = None
    first = next(i for i, (_n, line) in enumerate(lines) if HEADER_ROW.match(line))
    lines = [(n, line) for n, line in lines[first:] if not HEADER_ROW.match(line)]  # the table only
    for index, (number, line) in enumerate(lines):
        if m := ROW_LINE.match(line):
            tokens += [Token("ref", m.group(1), number), Token("text", m.group(2), number)]
            open_addressee = Token("addr", m.group(3), number)
            tokens.append(open_addressee)
            if m.group(5):
                tokens.append(Token("mark", m.group(5), number))
            open_addressee = open_addressee if m.group(4) else None
            continue
        if open_addressee is not None and (m := ROW_CONTINUATION.match(line)):
            open_addressee.value = f"{open_addressee.value} & {m.group(2)}"
            tokens.insert(tokens.index(open_addressee), Token("text", m.group(1), number))
            open_addressee = None
            continue
        open_addressee = None
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        after_sentence = not tokens or tokens[-1].kind != "text" or SENTENCE_END.search(tokens[-1].value)
        if ROW_LINE.match(following) and after_sentence and not SENTENCE_END.search(line):
            tokens.append(Token("heading", line, number))  # a cluster row across the table
        else:
            tokens.append(Token("text", line, number))
    return tokens if any(t.kind == "ref" for t in tokens) else None


def tokenize(text: str) -> list[Token]:
    lines = _annex_lines(text)
    if (rows := _row_tokens(lines)) is not None:
        return _mark_headings(rows)
    tokens: list[Token] = []
    seen_reference = False
    for index, (number, line) in enumerate(lines):
        if not seen_reference and line.lower().strip(" :") in COLUMN_HEADERS:
            continue
        if m := REFERENCE_LINE.match(line):
            tokens.append(Token("ref", m.group(1), number))
            seen_reference = True
        elif m := REFERENCE_THEN_TEXT.match(line):
            tokens += [Token("ref", m.group(1), number), Token("text", m.group(2), number)]
            seen_reference = True
        elif ADDRESSEE_LINE.match(line):
            tokens.append(Token("addr", line, number))
        elif MARK_LINE.match(line):
            tokens.append(Token("mark", line, number))
        elif (m := ADDRESSEE_THEN_TEXT.match(line)) and not _addressee_line_follows(lines, index):
            # "Court the" : the addressee cell, and a word of text that stuck to it.
            tokens += [Token("addr", m.group(1), number), Token("text", m.group(2), number)]
        else:
            tokens.append(Token("text", line, number))
    return _mark_headings(tokens)


def _addressee_line_follows(lines: list[tuple[int, str]], index: int) -> bool:
    """True when an addressee cell stands alone before the next reference: then a line starting
    with "Court staff…" is text, not an addressee with text stuck to it."""
    for _n, line in lines[index + 1 :]:
        if REFERENCE_LINE.match(line) or REFERENCE_THEN_TEXT.match(line):
            return False
        if ADDRESSEE_LINE.match(line):
            return True
    return False


def _next_text(tokens: list[Token], i: int) -> Token | None:
    for token in tokens[i + 1 :]:
        if token.kind == "text":
            return token
        if token.kind == "ref":
            return None
    return None


def _previous_text_ends(tokens: list[Token], i: int) -> bool:
    for token in reversed(tokens[:i]):
        if token.kind == "text":
            return bool(SENTENCE_END.search(token.value))
        if token.kind == "heading":
            return True
    return True  # start of the annex


def _mark_headings(tokens: list[Token]) -> list[Token]:
    """A heading stands after a finished sentence, has no end punctuation, and is followed directly
    by a text line that starts a sentence. A heading may run into the first words of the text."""
    out: list[Token] = []
    for i, token in enumerate(tokens):
        if token.kind != "text" or not _previous_text_ends(tokens, i) or SENTENCE_END.search(token.value):
            out.append(token)
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following is not None and following.kind == "ref" and i + 2 < len(tokens):
            after = tokens[i + 2]  # "R12 The Assembly…" on one line: the text after the reference
            if after.kind == "text" and after.line == following.line:
                following = after
        words = token.value.split()
        if (
            following is not None
            and following.kind == "text"
            and following.value[:1].isupper()
            and words[-1].lower() not in OPEN_WORDS
            and len(words) <= 15
        ):
            out.append(Token("heading", _heading(token.value), token.line))
            continue
        if following is not None and following.kind == "text" and following.value[:1].islower():
            split = _split_heading(token.value)
            if split:
                out += [Token("heading", split[0], token.line), Token("text", split[1], token.line)]
                continue
        out.append(token)
    return out


def _heading(text: str) -> str:
    text = re.sub(r"\s+-\s*(?=\S)", " - ", text)
    return text[:1].upper() + text[1:]


def _split_heading(line: str) -> tuple[str, str] | None:
    """ "Cooperation Requests -JCCD International Cooperation Section The" → heading, "The"."""
    words = line.split()
    for cut in range(len(words) - 1, 1, -1):
        if words[cut] in SENTENCE_STARTERS and all(
            w[:1].isupper() or not w[:1].isalpha() or w in {"of", "and", "for", "the", "on", "de", "et"}
            for w in words[:cut]
        ):
            return _heading(" ".join(words[:cut])), " ".join(words[cut:])
    return None


def _boundary(tokens: list[Token], start: int, end: int) -> int:
    """Index in tokens[start:end] where the next recommendation's text begins."""
    headings = [i for i in range(start, end) if tokens[i].kind == "heading"]
    if headings:
        return headings[0]
    last_cell = max((i for i in range(start, end) if tokens[i].kind in ("addr", "mark")), default=start)
    best, best_score = end, -1
    for i in range(last_cell + 1, end + 1):
        token = tokens[i] if i < end else _next_text(tokens, end)
        if token is None or token.kind != "text":
            continue
        score = 2 * token.value[:1].isupper() + _previous_text_ends(tokens, i)
        if score >= best_score:
            best, best_score = i, score
    return best


def parse_text(text: str, *, file: str) -> ParseResult:
    tokens = tokenize(text)
    refs = [i for i, t in enumerate(tokens) if t.kind == "ref"]
    result = ParseResult()
    result.meta["fields"] = ["reference", "text", "section", "addressees", "priority_flags"]
    result.meta["managed_flags"] = ["Priority"]
    if not refs:
        raise ImportFileError(_("%(file)s: no numbered recommendation found in the text.") % {"file": file})
    blocks: list[Block] = []
    section: list[str] = []
    cuts = [_boundary(tokens, 0, refs[0])] if refs else []
    cuts[0] = min(cuts[0], refs[0])
    for a, b in zip(refs, refs[1:], strict=False):
        cuts.append(_boundary(tokens, a + 1, b))
    cuts.append(len(tokens))
    # Headings before the first text line of the first block.
    for token in tokens[: cuts[0]]:
        if token.kind == "heading":
            section = [token.value]
    for n, ref_index in enumerate(refs):
        block = Block(reference=tokens[ref_index].value, line=tokens[ref_index].line)
        begin, finish = cuts[n], cuts[n + 1]
        for i in range(begin, finish):
            token = tokens[i]
            if token.kind == "heading":
                section = (
                    [token.value]
                    if i == begin or tokens[i - 1].kind != "heading"
                    else [*section, token.value]
                )
            elif token.kind == "text":
                block.text.append(token)
            elif token.kind == "addr" and i > ref_index:
                block.addressees.append(token.value)
            elif token.kind == "mark" and i > ref_index:
                block.marks += 1
        block.section = list(section)
        blocks.append(block)
    seen: set[str] = set()
    for block in blocks:
        place = Place(file=file, line=block.line)
        text = join_lines([t.value for t in block.text])
        if not text:
            result.problems.append(
                Problem(place, _("reference %(ref)s has no text") % {"ref": block.reference})
            )
            continue
        if block.reference in seen:
            result.problems.append(
                Problem(place, _("reference %(ref)s appears twice") % {"ref": block.reference})
            )
            continue
        seen.add(block.reference)
        addressees: list[str] = []
        for cell in block.addressees:
            for name in re.split(r"\s*(?:&|\band\b|\bet\b|/|,)\s*", cell):
                if name and name not in addressees:
                    addressees.append(name)
        if not addressees:
            result.problems.append(
                Problem(place, _("reference %(ref)s: no addressee found") % {"ref": block.reference})
            )
        result.records.append(
            ParsedRecord(
                reference=block.reference,
                text=text,
                section=block.section,
                addressees=addressees,
                priority_flags=["Priority"] if block.marks else [],
                place=place,
            )
        )
    return result


def parse(path: Path, *, file: str | None = None, progress=None) -> ParseResult:
    from coopreview.importers.parsers.base import read_text

    return parse_text(read_text(path, file=file or path.name), file=file or path.name)


__all__ = ["parse", "parse_text", "institution_code"]
