"""The JSON array that `coopreview import --json` and `coopreview export --format json` write."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path

from django.utils.translation import gettext as _

from coopreview.importers.parsers.base import ImportFileError, ParseResult, Place, Problem, decode_bytes
from coopreview.importers.parsers.rows import record_from_cells

FIELDS = {
    "reference",
    "text",
    "text_fr",
    "section",
    "addressees",
    "priority_flags",
    "recommended_by",
    "response",
    "page",
    "themes",
    "visibility",
    "source",
}
LISTS = ("section", "addressees", "priority_flags", "recommended_by", "themes")


def parse(path: Path, *, file: str | None = None, progress=None) -> ParseResult:
    file = file or path.name
    data = path.read_bytes()
    if not data.strip():
        raise ImportFileError(_("%(file)s: the file is empty.") % {"file": file})
    try:
        payload = jsonlib.loads(decode_bytes(data, file=file).lstrip("\ufeff"))
    except jsonlib.JSONDecodeError as exc:
        raise ImportFileError(
            _("%(file)s, line %(line)s: not valid JSON (%(error)s).")
            % {"file": file, "line": exc.lineno, "error": exc.msg}
        ) from exc
    if isinstance(payload, dict) and isinstance(payload.get("recommendations"), list):
        payload = payload["recommendations"]
    if not isinstance(payload, list):
        raise ImportFileError(_("%(file)s: expected a JSON array of recommendations.") % {"file": file})
    result = ParseResult()
    fields: set[str] = {"reference", "text"}
    seen: dict[str, int] = {}
    for index, item in enumerate(payload, start=1):
        place = Place(file=file, row=index)
        if not isinstance(item, dict):
            result.problems.append(Problem(place, _("item is not an object")))
            continue
        values: dict[str, str] = {}
        for key in ("reference", "text", "text_fr", "response", "visibility", "source"):
            values[key] = "" if item.get(key) is None else str(item.get(key))
        values["page"] = "" if item.get("page") in (None, "") else str(item.get("page"))
        record, reason = record_from_cells(values, place)
        if record is None:
            result.problems.append(Problem(place, reason))
            continue
        for key in LISTS:
            value = item.get(key, item.get("flags") if key == "priority_flags" else None) or []
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                result.problems.append(Problem(place, _("“%(key)s” must be a list") % {"key": key}))
                record = None
                break
            setattr(record, key, [str(v).strip() for v in value if str(v).strip()])
        if record is None:
            continue
        if record.reference in seen:
            result.problems.append(
                Problem(
                    place,
                    _("reference %(ref)s already in item %(row)s")
                    % {"ref": record.reference, "row": seen[record.reference]},
                )
            )
            continue
        seen[record.reference] = index
        result.records.append(record)
        fields.update(k for k in item if k in FIELDS)
    result.meta["fields"] = sorted(fields)
    return result
