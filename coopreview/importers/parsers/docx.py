"""Word tables (python-docx) whose rows are recommendations.

Covers OHCHR "Thematic list of recommendations" tables (recommendation text with its reference and
recommending States, "Source of position: …", position Supported/Noted, themes, theme heading rows)
and generic tables with a header row (reference, text, addressee…). A recommendation listed under
several themes is one record with all its themes; a row across a table without a themes column is a
section (cluster) heading; a shaded row gets a flag named after its colour ("Shaded orange (#F4B183)").
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from coopreview.importers.names import state_code
from coopreview.importers.parsers.base import ImportFileError, ParsedRecord, ParseResult, Place, Problem
from coopreview.importers.parsers.columns import looks_like_header, map_headers
from coopreview.importers.parsers.pdf import HIGHLIGHT_FLAG, recommenders
from coopreview.importers.parsers.pdf_table import fill_colours, shade_flag
from coopreview.importers.parsers.rows import record_from_cells

THEME_ROW = re.compile(r"^\s*(?:Theme|Thème)\s*:\s*(.+)$", re.IGNORECASE)
THEME_LINE = re.compile(r"^[A-Z]\d{1,3}\s+\S")
SOURCE_OF_POSITION = re.compile(r"\n?\s*Source of position\s*:\s*(.*)$", re.IGNORECASE | re.S)
NEUTRAL_FILLS = {None, "", "auto", "FFFFFF", "ffffff"}


def _fill(cell) -> str | None:
    from docx.oxml.ns import qn

    tc_pr = cell._tc.tcPr
    shd = tc_pr.find(qn("w:shd")) if tc_pr is not None else None
    return shd.get(qn("w:fill")) if shd is not None else None


def _open(path: Path, file: str):
    import docx

    if path.stat().st_size == 0:
        raise ImportFileError(_("%(file)s: the file is empty.") % {"file": file})
    if path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(
            _(
                "%(file)s: the document is encrypted or in the old .doc format; "
                "save it as .docx without a password."
            )
            % {"file": file}
        )
    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, Exception) as exc:
        raise ImportFileError(
            _("%(file)s: the document is damaged and cannot be read.") % {"file": file}
        ) from exc


def _unique_cells(row) -> list:
    cells, seen = [], set()
    for cell in row.cells:  # merged cells repeat
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def parse(path: Path, *, file: str | None = None, progress=None) -> ParseResult:
    file = file or path.name
    document = _open(path, file)
    result = ParseResult()
    records: dict[str, ParsedRecord] = {}
    result.meta["fields"] = [
        "reference",
        "text",
        "addressees",
        "recommended_by",
        "response",
        "themes",
        "priority_flags",
        "section",
    ]
    result.meta["managed_flags"] = [HIGHLIGHT_FLAG]
    if not document.tables:
        raise ImportFileError(_("%(file)s: the document has no table of recommendations.") % {"file": file})
    total = sum(len(t.rows) for t in document.tables)
    colours: dict[str, int] = {}
    done = 0
    for t_index, table in enumerate(document.tables, start=1):
        mapping: dict[int, str] | None = None
        theme = ""
        section: list[str] = []
        for r_index, row in enumerate(table.rows, start=1):
            done += 1
            cells = _unique_cells(row)
            texts = [c.text.strip() for c in cells]
            place = Place(file=file, table=t_index, row=r_index)
            if not any(texts):
                continue
            if mapping is None:
                if looks_like_header(texts):
                    mapping, _unknown = map_headers(texts)
                continue
            if len(set(texts)) == 1 or (m := THEME_ROW.match(texts[0])) and len([t for t in texts if t]) <= 1:
                m = THEME_ROW.match(texts[0])
                heading = (m.group(1) if m else texts[0]).strip()
                if m or "themes" in mapping.values():
                    theme = heading  # OHCHR thematic lists: "Theme: A41 Constitutional framework"
                else:
                    section = [heading]  # a row across the table: a cluster heading
                continue
            values = {field: texts[i] for i, field in mapping.items() if i < len(texts)}
            text = values.get("text", "")
            source_of_position = ""
            if sp := SOURCE_OF_POSITION.search(text):
                source_of_position = sp.group(1).strip()
                text = text[: sp.start()].strip()
            recommended = []
            if "recommended_by" not in values:
                stripped, recommended = recommenders(text)
                text = stripped if recommended else text  # "… (France);" → the text without its States
            values["text"] = text
            themes = []
            if "themes" in values:
                themes = [
                    line.strip()
                    for line in values.pop("themes").splitlines()
                    if THEME_LINE.match(line.strip())
                ]
            record, reason = record_from_cells(values, place)
            if record is None:
                result.problems.append(Problem(place, reason))
                continue
            if recommended:
                record.recommended_by = recommended
            for name in [theme, *themes] if theme else themes:
                if name and name not in record.themes:
                    record.themes.append(name)
            record.section = record.section or list(section)
            fills = [f for c in cells if (f := _fill(c)) not in NEUTRAL_FILLS]
            if fills and re.fullmatch(r"[0-9A-Fa-f]{6}", fills[0]):
                colour = "#" + fills[0].upper()
                colours[colour] = colours.get(colour, 0) + 1
                record.priority_flags.append(shade_flag(colour))
            elif fills:
                record.priority_flags.append(HIGHLIGHT_FLAG)
            if source_of_position:
                record.section = record.section or []
                result.meta.setdefault("source_of_position", {})[record.reference] = source_of_position
            existing = records.get(record.reference)
            if existing is None:
                records[record.reference] = record
            elif _same(existing, record):
                existing.themes += [t for t in record.themes if t not in existing.themes]
                existing.priority_flags += [
                    f for f in record.priority_flags if f not in existing.priority_flags
                ]
            else:
                result.problems.append(
                    Problem(
                        place,
                        _("reference %(ref)s appears twice with different text") % {"ref": record.reference},
                    )
                )
            if progress and done % 200 == 0:
                progress(done, total)
        if mapping is None and any(c.text.strip() for row in table.rows for c in row.cells):
            result.problems.append(
                Problem(
                    Place(file=file, table=t_index),
                    _("no header row with a “Recommendation” or “Text” column"),
                    blocking=False,
                )
            )
    result.records = list(records.values())
    result.meta["managed_flags"] += [shade_flag(c) for c in colours]
    result.meta["fill_colours"] = fill_colours(colours)
    state = _state_under_review(document)
    if state:
        result.meta["state_under_review"] = state
        for record in result.records:
            record.addressees = record.addressees or [state]
    if not result.records and not [p for p in result.problems if p.blocking]:
        raise ImportFileError(_("%(file)s: no table of recommendations found.") % {"file": file})
    return result


def _state_under_review(document) -> str:
    texts = []
    for section in document.sections:
        for header in (section.header, section.first_page_header):
            texts += [p.text for p in header.paragraphs]
    texts += [p.text for p in document.paragraphs[:20]]
    pattern = re.compile(
        r"(?:UPR of|Review of|EPU (?:de|du|de la|des)|Examen de)\s+(?:the\s+)?([A-Z][^(\t\n–\-:]+)"
    )
    for text in texts:
        for m in pattern.finditer(text):
            name = m.group(1).strip()
            if state_code(name):
                return name
    return ""


def _same(a: ParsedRecord, b: ParsedRecord) -> bool:
    return " ".join(a.text.split()) == " ".join(b.text.split())


__all__ = ["parse", "state_code"]
