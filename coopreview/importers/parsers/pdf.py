"""Numbered recommendations inside report PDFs (pdfplumber).

Two shapes are recognised in the same pass:
- United Nations review reports: a paragraph introducing a list ("67. The recommendations … enjoy
  the support of Albania:") followed by items numbered 1, 2, 3… → references "67.1", "67.2"; the
  response comes from the introducing paragraph, the paragraph after the list ("… will be included
  in the outcome report") or a later paragraph naming items ("recommendations Nos. 8, 9 … above are
  already implemented"); recommending States from the parentheses; the State under review as addressee.
- Reports numbering recommendations "R274" or "Recommendation 274", with bold headings as sections.

Running headers and footers (lines repeated at the top or bottom of pages), footnotes (smaller type
at the foot of a page) and footnote markers (superscripts) are removed; text is joined across pages;
lines on a shaded background make the record "Highlighted".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from coopreview.importers.names import state_code
from coopreview.importers.parsers.base import (
    ImportFileError,
    ParsedRecord,
    ParseResult,
    Place,
    Problem,
    Progress,
    join_lines,
    normalise_response,
    split_names,
)
from coopreview.importers.parsers.limits import check_pages
from coopreview.importers.parsers.pdf_table import parse_tables

HIGHLIGHT_FLAG = "Highlighted"
NUMBERED = re.compile(r"^(\d{1,3})(\.?)\s+(\S.*)$")
# "115.1 Ratify", "125.13. Remain", and the typos printed reports hold: "125-15.", "125. 16".
DOTTED = re.compile(r"^(\d{1,3})\s?[.\-–,]\s?(\d{1,3})\.?\s+(\S.*)$")
# An item that starts inside a line: "… campaigns (Spain);110.44. Take actions …"
INLINE_ITEM = re.compile(r"(?<=[;.])\s*(?=\d{1,3}\.\d{1,3}\.?\s+[A-Z])")
IER_REF = re.compile(r"^(?:R\s?|Recommendation\s+|Recommandation\s+)(\d{1,4}(?:\.\d+)?)\s*[.:)\-–]?\s*(.*)$")
ROMAN_HEADING = re.compile(r"^([IVX]{1,5})\.\s+(\S.*)$")
NUMBERS_NAMED = re.compile(
    r"recommendations?\s+(?:Nos?\.?|numbers?|n[°o]s?)\s*((?:\d+(?:\.\d+)*[\s,;and]*)+)", re.IGNORECASE
)
WHITE = {(1,), (1, 1, 1), (0, 0, 0, 0), (1.0,), (1.0, 1.0, 1.0)}


@dataclass
class Line:
    text: str
    page: int
    shaded: bool = False
    bold: bool = False


@dataclass
class Item:
    number: int
    page: int
    lines: list[Line] = field(default_factory=list)


def _page_count(pdf) -> int:
    """The /Count of the page tree, read before pdfplumber builds an object per page."""
    try:
        return int(pdf.doc.catalog["Pages"].resolve()["Count"])
    except Exception:  # noqa: BLE001 — damaged tree: pdfplumber says so when it walks it
        return 0


def _open(path: Path, file: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if path.stat().st_size == 0:
        raise ImportFileError(_("%(file)s: the file is empty.") % {"file": file})
    try:
        pdf = pdfplumber.open(path)
        check_pages(_page_count(pdf), file=file)
        pdf.pages  # noqa: B018 — forces the page tree to be read
        return pdf
    except ImportFileError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ImportFileError(
            _("%(file)s: the PDF is encrypted; remove the password and try again.") % {"file": file}
        ) from exc
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds on damaged files
        causes = f"{exc!r} {exc.args!r}".lower()
        if "password" in causes or "encrypt" in causes:
            raise ImportFileError(
                _("%(file)s: the PDF is encrypted; remove the password and try again.") % {"file": file}
            ) from exc
        raise ImportFileError(_("%(file)s: the PDF is damaged and cannot be read.") % {"file": file}) from exc


def _is_white(colour) -> bool:
    if colour is None:
        return True
    try:
        values = tuple(float(v) for v in (colour if isinstance(colour, list | tuple) else [colour]))
    except (TypeError, ValueError):
        return False
    if len(values) == 4:  # CMYK
        return all(v <= 0.02 for v in values)
    return all(v >= 0.97 for v in values)


def page_lines(page, number: int) -> tuple[list[Line], list[dict]]:
    """The page's lines without superscripts and footnotes, with shading and boldness."""
    chars = page.chars
    if not chars:
        return [], []
    body = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
    page = page.filter(lambda o: o.get("object_type") != "char" or o["size"] >= body * 0.75)
    fills = [
        r
        for r in page.rects
        if r.get("fill") and not _is_white(r.get("non_stroking_color")) and r["width"] > 20
    ]
    lines: list[Line] = []
    raw = page.extract_text_lines(return_chars=True)
    for row in raw:
        text = row["text"].strip()
        if not text:
            continue
        sizes = [c["size"] for c in row["chars"] if c["text"].strip()]
        size = sum(sizes) / len(sizes) if sizes else body
        if size < body * 0.93 and row["top"] > page.height * 0.6:
            continue  # footnote at the foot of the page
        middle = (row["top"] + row["bottom"]) / 2
        shaded = any(
            r["top"] <= middle <= r["bottom"]
            and min(r["x1"], row["x1"]) - max(r["x0"], row["x0"]) > 0.5 * (row["x1"] - row["x0"])
            for r in fills
        )
        bold = all("bold" in c.get("fontname", "").lower() for c in row["chars"] if c["text"].strip())
        lines.append(Line(text=text, page=number, shaded=shaded, bold=bold))
    return lines, fills


def _strip_running(pages: list[list[Line]], removed: list[str] | None = None) -> list[Line]:
    """Remove lines repeated at the top or bottom of many pages (running headers, footers, page numbers)."""

    def shape(text: str) -> str:
        return re.sub(r"\d+", "#", text.lower())

    counts: Counter[str] = Counter()
    for lines in pages:
        for line in {shape(x.text) for x in lines[:2] + lines[-2:]}:
            counts[line] += 1
    threshold = max(2, len(pages) * 0.3)
    running = {s for s, n in counts.items() if n >= threshold}
    out: list[Line] = []
    for lines in pages:
        edge = set(range(min(2, len(lines)))) | set(range(max(0, len(lines) - 2), len(lines)))
        for i, line in enumerate(lines):
            if i in edge and (
                shape(line.text) in running or re.fullmatch(r"[-–\s]*\d{1,4}[-–\s]*", line.text)
            ):
                if removed is not None:
                    removed.append(line.text)
                continue
            out.append(line)
    return out


def extract_lines(
    path: Path,
    *,
    file: str,
    progress: Progress | None = None,
    removed: list[str] | None = None,
    ruled: list[int] | None = None,
) -> tuple[list[Line], int]:
    """The text lines of every page; `ruled` collects the pages drawn like a table (many rules)."""
    pdf = _open(path, file)
    pages: list[list[Line]] = []
    images = 0
    with pdf:
        total = len(pdf.pages)
        check_pages(total, file=file)
        if total == 0:
            raise ImportFileError(_("%(file)s: the PDF has no pages.") % {"file": file})
        for number, page in enumerate(pdf.pages, start=1):
            try:
                lines, _fills = page_lines(page, number)
            except Exception as exc:  # a damaged page: say which
                raise ImportFileError(
                    _("%(file)s, page %(page)s: the page cannot be read.") % {"file": file, "page": number}
                ) from exc
            images += bool(page.images)
            if ruled is not None and len(page.lines) + len(page.rects) >= 8:
                ruled.append(number)
            pages.append(lines)
            page.flush_cache()
            if progress:
                progress(number, total)
    if not any(pages):
        if images:
            raise ImportFileError(
                _("%(file)s: the PDF holds only scanned images, no text; run it through OCR first.")
                % {"file": file}
            )
        raise ImportFileError(_("%(file)s: the PDF holds no text.") % {"file": file})
    return _strip_running(pages, removed), total


def recommenders(text: str) -> tuple[str, list[str]]:
    """The text without its trailing "(State; State)" group, and every State named in such groups."""
    found: list[str] = []
    for group in re.findall(r"\(((?:[^()]|\([^()]*\))+)\)", text):
        names = split_names(group.replace(" and ", ", "))
        if names and all(state_code(n) for n in names):
            found += [n for n in names if n not in found]
    body = text.rstrip(" ;,.")
    if body.endswith(" and"):
        body = body[:-4]
    if body.endswith(")"):
        depth = 0
        for i in range(len(body) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(body[i], 0)
            if depth == 0:
                names = split_names(body[i + 1 : -1].replace(" and ", ", "))
                if names and all(state_code(n) for n in names):
                    body = body[:i].rstrip(" ;,.")
                break
    return body, found


def _state_under_review(lines: list[Line], paragraphs: list[str]) -> str:
    for text in paragraphs:
        m = re.search(
            r"(?:support of|made to|examined by|recommended that|by the State of)"
            r"\s+(?:the\s+)?([A-Z][^:,.;(]+)",
            text,
        )
        if m:
            for candidate in (
                m.group(1),
                " ".join(m.group(1).split()[:3]),
                " ".join(m.group(1).split()[:2]),
                m.group(1).split()[0],
            ):
                if state_code(candidate):
                    return candidate.strip()
    for line in lines[:40]:
        if line.page <= 2 and state_code(line.text):
            return line.text
    return ""


def parse(path: Path, *, file: str | None = None, progress: Progress | None = None) -> ParseResult:
    file = file or path.name
    running: list[str] = []
    ruled: list[int] = []
    lines, pages = extract_lines(path, file=file, progress=progress, removed=running, ruled=ruled)
    if ruled:  # a table of recommendations ("No.", "Recommendation", "Responsible"…)
        with _open(path, file) as pdf:
            tables = parse_tables(pdf, file=file)
        if tables is not None:
            tables.meta["pages"] = pages
            return tables
    result = ParseResult(meta={"pages": pages})
    result.meta["fields"] = [
        "reference",
        "text",
        "section",
        "addressees",
        "recommended_by",
        "response",
        "page",
        "priority_flags",
    ]
    result.meta["managed_flags"] = [HIGHLIGHT_FLAG]
    result.records += _un_lists(lines, file, result)
    symbol = re.search(
        r"(?<![\w/])([A-Z]{1,6}(?:/[A-Z0-9][A-Za-z0-9.]*){2,})",
        "\n".join(running + [x.text for x in lines[:15]]),
    )
    if symbol:
        result.meta["symbol"] = symbol.group(1).rstrip("*.")
    if not result.records and (responses := _addendum_responses(lines)):
        # An addendum stating the State's responses: it updates the responses of known references.
        result.meta["fields"] = ["reference", "response"]
        result.meta["responses_only"] = True
        result.records = [
            ParsedRecord(reference=ref, text="", response=resp, page=page, place=Place(file=file, page=page))
            for ref, (resp, page) in responses.items()
        ]
    known = {r.reference for r in result.records}
    if not result.meta.get("responses_only"):
        result.records += [r for r in _ier_style(lines, file) if r.reference not in known]
    elif "symbol" in result.meta:  # A/HRC/28/15/Add.1 answers A/HRC/28/15
        result.meta["symbol"] = re.sub(r"/Add\.\d+$", "", result.meta["symbol"])
    if not result.records:
        raise ImportFileError(
            _("%(file)s: no numbered recommendation found (looked for “R12”, “Recommendation 12” and "
              "numbered lists introduced by a paragraph on recommendations).") % {"file": file}
        )  # fmt: skip
    return result


def _un_lists(lines: list[Line], file: str, result: ParseResult) -> list[ParsedRecord]:
    paragraphs: list[tuple[int, list[Line]]] = []  # (number, lines)
    lists: list[dict] = []  # {"intro": n, "items": [Item], "after": paragraph index}
    section = ""
    last_para = 0
    current_list: dict | None = None
    sections: dict[int, str] = {}
    lines = _split_inline_items(lines)
    items = dotted_runs([line.text for line in lines])
    for index, line in enumerate(lines):
        if index in items and (paragraphs or current_list is not None):
            # Later reports print the full reference: "115.1 Ratify … (France);"
            intro, n, rest = items[index]
            if current_list is None or current_list["intro"] != intro or n == 1:
                if current_list is not None:
                    current_list["after"] = len(paragraphs)
                current_list = {"intro": intro, "items": [], "next": 1, "after": None, "dotted": True}
                lists.append(current_list)
            current_list["items"].append(
                Item(number=n, page=line.page, lines=[Line(rest, line.page, line.shaded)])
            )
            current_list["next"] = n + 1
            continue
        m = NUMBERED.match(line.text)
        heading = ROMAN_HEADING.match(line.text)
        if heading and current_list is None:
            section = heading.group(2)
            continue
        if m:
            n, dot, rest = int(m.group(1)), m.group(2), m.group(3)
            if (
                current_list is not None
                and not current_list.get("dotted")
                and n == current_list["next"]
                and (dot or rest[:1].isupper())
            ):
                item = Item(number=n, page=line.page, lines=[Line(rest, line.page, line.shaded)])
                current_list["items"].append(item)
                current_list["next"] = n + 1
                continue
            if dot and last_para < n and (n <= last_para + 3 or not paragraphs) and rest[:1].isupper():
                if current_list is not None:
                    current_list["after"] = len(paragraphs)
                    current_list = None
                paragraphs.append((n, [Line(rest, line.page)]))
                sections[n] = section
                last_para = n
                continue
            if (
                dot
                and n == 1
                and current_list is None
                and paragraphs
                and re.search(r"recommend", join_lines([x.text for x in paragraphs[-1][1]]), re.I)
            ):
                current_list = {"intro": paragraphs[-1][0], "items": [], "next": 2, "after": None}
                current_list["items"].append(
                    Item(number=1, page=line.page, lines=[Line(rest, line.page, line.shaded)])
                )
                lists.append(current_list)
                continue
        if current_list is not None and current_list["items"]:
            current_list["items"][-1].lines.append(line)
        elif paragraphs:
            paragraphs[-1][1].append(line)
    texts = {n: join_lines([x.text for x in ls]) for n, ls in paragraphs}
    order = [n for n, _ in paragraphs]
    state = _state_under_review(lines, [texts[n] for n in order if re.search("recommend", texts[n], re.I)])
    records: list[ParsedRecord] = []
    by_ref: dict[str, ParsedRecord] = {}
    for lst in lists:
        intro = texts.get(lst["intro"], "")
        response = normalise_response(intro)
        if not response and lst["after"] is not None and lst["after"] < len(order):
            following = texts[order[lst["after"]]]
            if not NUMBERS_NAMED.search(following):
                response = normalise_response(following)
        lst["response"] = response
        for item in lst["items"]:
            reference = f"{lst['intro']}.{item.number}"
            raw = join_lines([x.text for x in item.lines])
            text, by = recommenders(raw)
            place = Place(file=file, page=item.page)
            if not text:
                result.problems.append(Problem(place, _("item %(ref)s has no text") % {"ref": reference}))
                continue
            record = ParsedRecord(
                reference=reference,
                text=text,
                section=[sections.get(lst["intro"])] if sections.get(lst["intro"]) else [],
                addressees=[state] if state else [],
                recommended_by=by,
                response=response,
                page=item.page,
                priority_flags=[HIGHLIGHT_FLAG] if any(x.shaded for x in item.lines) else [],
                place=place,
            )
            records.append(record)
            by_ref[reference] = record
    # Later paragraphs naming items: "recommendations Nos. 8, 9 … above are already implemented".
    for position, n in enumerate(order):
        text = texts[n]
        m = NUMBERS_NAMED.search(text)
        response = normalise_response(text[m.end() :] if m else "")
        if not m or not response:
            continue
        previous = [lst for lst in lists if lst["after"] is not None and lst["after"] <= position]
        target = previous[-1] if previous else None
        for number in re.findall(r"\d+(?:\.\d+)*", m.group(1)):
            reference = number if "." in number else (f"{target['intro']}.{number}" if target else "")
            if reference in by_ref:
                by_ref[reference].response = response
    return records


def _split_inline_items(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        parts = INLINE_ITEM.split(line.text) if DOTTED.match(line.text) or ";" in line.text else [line.text]
        out += [Line(p.strip(), line.page, line.shaded, line.bold) for p in parts if p.strip()]
    return out


def dotted_runs(texts: list[str]) -> dict[int, tuple[int, int, str]]:
    """Line index → (paragraph, item, text) for every run of numbered sub-items ("114.1", "114.2"…),
    whatever the paragraph introducing it says.

    A run starts at "P.1" followed by "P.2" and goes on while the items count up; a misprinted
    paragraph number ("128.12" inside 129, "125-15") is taken as P when the item number is the next one,
    and a gap of up to two items (an item lost by the printer) is tolerated.
    """
    found = [(i, m) for i, t in enumerate(texts) if (m := DOTTED.match(t))]
    out: dict[int, tuple[int, int, str]] = {}
    run_p: int | None = None
    last = 0
    for position, (index, m) in enumerate(found):
        p, n, rest = int(m.group(1)), int(m.group(2)), m.group(3)
        if not (rest[:1].isupper() or rest[:1] in "«“\"'(" or rest[:1].isdigit()):
            continue
        if run_p is not None and (
            (p == run_p and last < n <= last + 3) or (n == last + 1 and _near(p, run_p))
        ):
            out[index] = (run_p, n, rest)
            last = n
            continue
        if n == 1:
            following = found[position + 1 : position + 3]
            if any(int(f.group(1)) == p and int(f.group(2)) == 2 for _i, f in following):
                run_p, last = p, 1
                out[index] = (p, 1, rest)
                continue
    return out


def _near(a: int, b: int) -> bool:
    """A misprint of one digit, or a number one off."""
    x, y = str(a), str(b)
    return abs(a - b) <= 2 or (len(x) == len(y) and sum(c != d for c, d in zip(x, y, strict=True)) == 1)


def _ier_style(lines: list[Line], file: str) -> list[ParsedRecord]:
    records: list[ParsedRecord] = []
    current: tuple[str, list[Line]] | None = None
    section: list[str] = []
    current_section: list[str] = []

    def close() -> None:
        if current is None:
            return
        reference, body = current
        text = join_lines([x.text for x in body])
        if text:
            page = body[0].page
            records.append(
                ParsedRecord(
                    reference=reference,
                    text=text,
                    section=list(current_section),
                    page=page,
                    priority_flags=[HIGHLIGHT_FLAG] if any(x.shaded for x in body) else [],
                    place=Place(file=file, page=page),
                )
            )

    for line in lines:
        m = IER_REF.match(line.text)
        if m:
            close()
            reference = m.group(1)
            current = (
                reference if line.text.startswith("R") and not line.text.startswith("Rec") else reference,
                [],
            )
            current_section = list(section)
            if m.group(2):
                current[1].append(Line(m.group(2), line.page, line.shaded))
            continue
        is_heading = (
            line.bold and len(line.text.split()) <= 15 and not line.text.endswith(".")
        ) or ROMAN_HEADING.match(line.text)
        if is_heading or NUMBERED.match(line.text):
            close()
            current = None
            if is_heading:
                section = [line.text]
            continue
        if current is not None:
            current[1].append(line)
    close()
    seen: set[str] = set()
    return [r for r in records if not (r.reference in seen or seen.add(r.reference))]


REFERENCE_LIST = re.compile(r"\d{1,3}\.\d{1,3}(?:\s*(?:,|;|and|et|to|à|-|–)\s*\d{1,3}\.\d{1,3})*")
ITEM_RESPONSE = re.compile(
    r"^(?:Recommendations?\s+|Recommandations?\s+)?(\d{1,3}\.\d{1,3})\s*[:.–-]?\s*"
    r"(Supported|Accepted|Noted|Not supported|Rejected|Partially supported|Soutenue|Notée|Acceptée"
    r"|Rejetée)\b",
    re.IGNORECASE,
)


def _expand(listing: str) -> list[str]:
    """ "115.1, 115.3 to 115.5" → ["115.1", "115.3", "115.4", "115.5"]."""
    refs: list[str] = []
    tokens = re.findall(r"\d{1,3}\.\d{1,3}|\bto\b|\bà\b|[-–]", listing)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if i + 2 < len(tokens) and tokens[i + 1] in ("to", "à", "-", "–"):
            a, b = token.split("."), tokens[i + 2].split(".")
            if a[0] == b[0] and int(a[1]) <= int(b[1]) <= int(a[1]) + 500:
                refs += [f"{a[0]}.{n}" for n in range(int(a[1]), int(b[1]) + 1)]
                i += 3
                continue
        if token[0].isdigit():
            refs.append(token)
        i += 1
    return refs


def _addendum_responses(lines: list[Line]) -> dict[str, tuple[str, int]]:
    """Responses stated in an addendum: per item ("115.1 Supported") or per sentence ("Slovenia
    supports recommendations 115.1, 115.3 to 115.5")."""
    found: dict[str, tuple[str, int]] = {}
    for line in lines:
        if m := ITEM_RESPONSE.match(line.text):
            found.setdefault(m.group(1), (normalise_response(m.group(2)), line.page))
    if found:
        return found
    text = " ".join(f"\x00{line.page}\x00 {line.text}" for line in lines)
    for sentence in re.split(r"(?<=[.:;])\s+(?=[A-Z\x00])", text):
        pages = re.findall(r"\x00(\d+)\x00", sentence)
        clean = re.sub(r"\x00\d+\x00", " ", sentence)
        response = normalise_response(re.sub(REFERENCE_LIST, " ", clean))
        listings = [m.group(0) for m in REFERENCE_LIST.finditer(clean) if "." in m.group(0)]
        if not response or not listings:
            continue
        for listing in listings:
            for ref in _expand(listing):
                found.setdefault(ref, (response, int(pages[0]) if pages else 1))
    return found
