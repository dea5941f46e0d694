"""Recommendations → JSON, CSV or XLSX with the columns the importers read back (lossless round trip)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from coopreview.core.spreadsheet_safe import csv_row, xlsx_append
from coopreview.recommendations.models import Recommendation

COLUMNS = [
    ("reference", "Reference"),
    ("source", "Source"),
    ("text", "Text"),
    ("text_fr", "Text (French)"),
    ("section", "Section"),
    ("addressees", "Addressees"),
    ("recommended_by", "Recommended by"),
    ("response", "Response"),
    ("page", "Page"),
    ("priority_flags", "Priority flags"),
    ("themes", "Themes"),
    ("visibility", "Visibility"),
]
TEMPLATE_EXAMPLE = {
    "reference": "R1",
    "source": "ICC-ASP/19/16",
    "text": "The Assembly should consider appointing a focal point for arrests.",
    "section": "Cooperation > Arrests",
    "addressees": "Assembly; Court",
    "priority_flags": "Facilitation priority",
    "themes": "Cooperation",
    "visibility": "public",
}


def as_dict(r: Recommendation) -> dict:
    return {
        "reference": r.reference,
        "source": r.source.symbol,
        "text": r.text,
        "text_fr": r.text_fr,
        "section": [s.title for s in r.section.path] if r.section else [],
        "addressees": sorted(o.name for o in r.addressees.all()),
        "recommended_by": sorted(o.name for o in r.recommended_by.all()),
        "response": r.response,
        "page": r.page,
        "priority_flags": sorted(f.name for f in r.priority_flags.all()),
        "themes": sorted(t.name for t in r.themes.all()),
        "visibility": r.visibility,
    }


def as_row(data: dict) -> list:
    row = []
    for key, _label in COLUMNS:
        value = data.get(key)
        if key == "section":
            value = " > ".join(value or [])
        elif key in ("themes", "priority_flags"):
            value = "\n".join(value or [])  # names may hold ";" (OHCHR themes)
        elif isinstance(value, list):
            value = "; ".join(value)
        row.append("" if value is None else value)
    return row


def write_json(records: Iterable[Recommendation], out: io.TextIOBase) -> int:
    items = [as_dict(r) for r in records]
    json.dump(items, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(items)


def write_csv(records: Iterable[Recommendation], out: io.TextIOBase) -> int:
    writer = csv.writer(out)
    writer.writerow([label for _key, label in COLUMNS])
    count = 0
    for r in records:
        writer.writerow(csv_row(as_row(as_dict(r))))
        count += 1
    return count


def write_xlsx(records: Iterable[Recommendation], path: Path | io.BytesIO, *, template: bool = False) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Recommendations"
    sheet.append([label for _key, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    count = 0
    rows = [TEMPLATE_EXAMPLE] if template else (as_dict(r) for r in records)
    for data in rows:
        xlsx_append(sheet, as_row(data))
        count += 1
    widths = {"text": 80, "text_fr": 60, "section": 40, "addressees": 25, "recommended_by": 25}
    for index, (key, _label) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = widths.get(key, 16)
    if count < 5000:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)
    return count
