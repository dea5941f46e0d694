"""Rows of a table (spreadsheet, CSV, Word table) with mapped columns → records and problems."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from django.utils.translation import gettext as _

from coopreview.importers.names import split_organisations, state_code, state_names
from coopreview.importers.parsers.base import (
    ImportFileError,
    ParsedRecord,
    ParseResult,
    Place,
    Problem,
    normalise_response,
    split_names,
)
from coopreview.importers.parsers.columns import map_headers
from coopreview.importers.parsers.limits import check_rows, limits

LIST_FIELDS = ("priority_flags", "themes")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# "115.1 Take further steps…" in one cell; "68.11..2 to expand …": part 2 of 68.11 as researchers split it
# ("98.18.2, with …", "67.17.2and increase …", "109.1..1Accede …": as hand-made files hold them; without
# a separator only a dotted reference, so that "2nd" stays text)
REFERENCE_IN_TEXT = re.compile(
    r"^(?:R\s?)?(\d+(?:\.\d+)*)(\.{2,3}\d+)?\.?(?:\s+|[,/]\s*|(?<=\.\d)(?=[A-Za-z])|(?<=\.\d\d)(?=[A-Za-z]))(.+)$",
    re.S,
)


def review_name(state: str, year: str) -> str:
    """ "algeria", "2008" → "Algeria 2008": the name of a review's source, the State as the UN writes it."""
    state = " ".join(state.split())
    code = state_code(state)
    label = state_names(code)[0] if code else state
    return " ".join(p for p in (label, " ".join(year.split())) if p)


def record_from_cells(values: dict[str, str], place: Place) -> tuple[ParsedRecord | None, str]:
    """A record from {field: text}, or None with the reason. An odd response is left empty and
    reported by the caller (see `odd_response`)."""
    reference = " ".join(values.get("reference", "").split())
    text = values.get("text", "").strip()
    if not reference and text:
        m = REFERENCE_IN_TEXT.match(text)
        if m:
            reference, text = m.group(1), m.group(3).strip()
    if not reference:
        return None, _("no reference")
    if not text:
        return None, _("reference %(ref)s has no text") % {"ref": reference}
    page_text = values.get("page", "")
    page = None
    if page_text:
        if not page_text.isdigit():
            return None, _("reference %(ref)s: page “%(page)s” is not a number") % {
                "ref": reference,
                "page": page_text,
            }
        page = int(page_text)
    response = normalise_response(values.get("response", ""))
    section = [s.strip() for s in re.split(r"\s*(?:>|›|\n)\s*", values.get("section", "")) if s.strip()]
    review_state = values.get("review_state", "").strip()
    record = ParsedRecord(
        reference=reference,
        text=text,
        text_fr=values.get("text_fr", "").strip(),
        section=section,
        addressees=split_organisations(values.get("addressees", "") or review_state),
        recommended_by=split_organisations(values.get("recommended_by", "")),
        response=response,
        page=page,
        priority_flags=_flags(values.get("priority_flags", "")),
        themes=_list(values.get("themes", "")),
        visibility=values.get("visibility", "").strip().lower(),
        source=values.get("source", "").strip(),
        review=review_name(review_state, values.get("year", "")) if review_state else "",
        place=place,
    )
    return record, ""


def odd_response(values: dict[str, str], record: ParsedRecord) -> str:
    """The message for a response cell that is not understood ("unknown"), or ""."""
    value = values.get("response", "").strip()
    if not value or record.response:
        return ""
    return _("reference %(ref)s: response “%(value)s” is not understood; left empty") % {
        "ref": record.reference,
        "value": value,
    }


def _merge(into: ParsedRecord, record: ParsedRecord, *, part: bool) -> bool:
    """Fold a row repeating `into` (once per recommending State) or holding a part of it ("68.11..2")
    into it. False when the row is another recommendation under the same reference."""
    same = " ".join(into.text.split()).casefold() == " ".join(record.text.split()).casefold()
    if not same and not part:
        return False
    if not same and record.text not in into.text:
        into.text = f"{into.text} {record.text}"
    for name in ("recommended_by", "addressees", "priority_flags", "themes"):
        values = getattr(into, name)
        values += [v for v in getattr(record, name) if v not in values]
    into.response = into.response or record.response
    return True


def _flags(value: str) -> list[str]:
    value = value.strip()
    if not value or value.lower() in {"no", "non", "0", "false", "-", "—"}:
        return []
    if value.lower() in {"x", "yes", "oui", "1", "true", "✓", "✔", "*"}:
        return ["Priority"]
    return _list(value)


def _list(value: str) -> list[str]:
    """Names one per line, or separated by ";" or "|" when the cell has a single line."""
    value = value.strip()
    if not value:
        return []
    return list(_split_cached(value))


@lru_cache(maxsize=16384)
def _split_cached(value: str) -> tuple[str, ...]:
    return tuple(split_names(value, separators="\n" if "\n" in value else ";|", ampersand=False))


def rows_to_result(
    rows: Iterable[tuple[int, list]],
    *,
    file: str,
    sheet: str = "",
    progress=None,
    total: int | None = None,
) -> ParseResult:
    """`rows` yields (row number, cells); the first non-empty row is the header row."""
    result = ParseResult()
    mapping: dict[int, str] | None = None
    seen: dict[tuple[str, str], tuple[int, ParsedRecord]] = {}
    odd: dict[str, int] = {}
    max_rows = limits().rows
    for count, (number, cells) in enumerate(rows, start=1):
        if count > max_rows:
            check_rows(count, file=file)
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        if mapping is None:
            mapping, unknown = map_headers(texts)
            fields = set(mapping.values())
            where = Place(file=file, sheet=sheet, row=number)
            if "text" not in fields:
                raise ImportFileError(
                    _("%(place)s: no “Recommendation” or “Text” column in the header row (found: %(found)s).")
                    % {"place": where, "found": ", ".join(t for t in texts if t) or "—"}
                )
            if unknown:
                result.meta.setdefault("unknown_columns", []).extend(unknown)
                result.problems.append(
                    Problem(
                        where,
                        _("columns not understood, ignored: %(cols)s") % {"cols": ", ".join(unknown)},
                        blocking=False,
                    )
                )
            if "review_state" in fields:
                fields.add("addressees")
            result.meta["fields"] = sorted(fields)
            continue
        place = Place(file=file, sheet=sheet, row=number)
        values = {field: texts[i] for i, field in mapping.items() if i < len(texts)}
        record, reason = record_from_cells(values, place)
        if record is None:
            result.problems.append(Problem(place, reason))
            continue
        if message := odd_response(values, record):
            odd[values["response"].strip()] = odd.get(values["response"].strip(), 0) + 1
            result.problems.append(Problem(place, message, blocking=False))
        key = (record.source or record.review, record.reference)
        if key in seen:
            row, first = seen[key]
            # Files of reviews (one row per recommending State) split an item in parts under one
            # reference; elsewhere two texts under one reference are a mistake to fix.
            part = bool(record.review or re.match(r"^\s*\d+(?:\.\d+)*\.{2,3}\d+", values.get("text", "")))
            if not _merge(first, record, part=part):
                result.problems.append(
                    Problem(
                        place,
                        _("reference %(ref)s already in row %(row)s") % {"ref": record.reference, "row": row},
                    )
                )
        else:
            seen[key] = (number, record)
            result.records.append(record)
        if progress and total and count % 500 == 0:
            progress(count, total)
    if mapping is None:
        raise ImportFileError(
            _("%(file)s: the file is empty.") % {"file": file if not sheet else f"{file}, {sheet}"}
        )
    if odd:
        result.meta["odd_responses"] = odd
    reviews = sorted({r.review for r in result.records if r.review})
    if reviews:
        result.meta["reviews"] = reviews
    return result
