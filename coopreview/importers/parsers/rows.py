"""Rows of a table (spreadsheet, CSV, Word table) with mapped columns → records and problems."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from django.utils.translation import gettext as _

from coopreview.importers.names import split_organisations
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

LIST_FIELDS = ("priority_flags", "themes")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def record_from_cells(values: dict[str, str], place: Place) -> tuple[ParsedRecord | None, str]:
    """A record from {field: text}, or None with the reason."""
    reference = " ".join(values.get("reference", "").split())
    text = values.get("text", "").strip()
    if not reference and text:
        m = re.match(r"^(?:R\s?)?(\d+(?:\.\d+)*)\.?\s+(.+)$", text, re.S)
        if m:  # "115.1 Take further steps…" in one cell
            reference, text = m.group(1), m.group(2).strip()
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
    response_text = values.get("response", "")
    response = normalise_response(response_text)
    if response_text and not response:
        return None, _("reference %(ref)s: response “%(value)s” is not understood") % {
            "ref": reference,
            "value": response_text,
        }
    section = [s.strip() for s in re.split(r"\s*(?:>|›|\n)\s*", values.get("section", "")) if s.strip()]
    record = ParsedRecord(
        reference=reference,
        text=text,
        text_fr=values.get("text_fr", "").strip(),
        section=section,
        addressees=split_organisations(values.get("addressees", "")),
        recommended_by=split_organisations(values.get("recommended_by", "")),
        response=response,
        page=page,
        priority_flags=_flags(values.get("priority_flags", "")),
        themes=_list(values.get("themes", "")),
        visibility=values.get("visibility", "").strip().lower(),
        source=values.get("source", "").strip(),
        place=place,
    )
    return record, ""


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
    seen: dict[str, int] = {}
    for count, (number, cells) in enumerate(rows, start=1):
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
            result.meta["fields"] = sorted(fields)
            continue
        place = Place(file=file, sheet=sheet, row=number)
        values = {field: texts[i] for i, field in mapping.items() if i < len(texts)}
        record, reason = record_from_cells(values, place)
        if record is None:
            result.problems.append(Problem(place, reason))
        elif record.reference in seen:
            result.problems.append(
                Problem(
                    place,
                    _("reference %(ref)s already in row %(row)s")
                    % {"ref": record.reference, "row": seen[record.reference]},
                )
            )
        else:
            seen[record.reference] = number
            result.records.append(record)
        if progress and total and count % 500 == 0:
            progress(count, total)
    if mapping is None:
        raise ImportFileError(
            _("%(file)s: the file is empty.") % {"file": file if not sheet else f"{file}, {sheet}"}
        )
    return result
