"""Recommendation tables printed in a PDF (pdfplumber's table finder on ruled or aligned tables).

Columns are mapped by their header in English or French as in spreadsheets ("No.", "Recommendation",
"Responsible", "Priority"); a row with a single cell across the table is a section heading (a
cluster); a row's fill colour becomes a priority flag named after the colour, which the editor can
rename in the preview; an "x" in a priority column is a mark, as in spreadsheets. A row cut by a page
break continues the record above it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from coopreview.importers.parsers.base import ParsedRecord, ParseResult, Place, Problem, join_lines
from coopreview.importers.parsers.columns import looks_like_header, map_headers
from coopreview.importers.parsers.rows import record_from_cells

SHADE_PREFIX = "Shaded "
# Reference colours for naming a fill: (name, RGB 0-255).
PALETTE = [
    ("orange", (244, 177, 131)), ("orange", (255, 192, 0)), ("orange", (237, 125, 49)),
    ("yellow", (255, 255, 0)), ("yellow", (255, 242, 204)), ("green", (146, 208, 80)),
    ("green", (198, 239, 206)), ("green", (169, 208, 142)), ("blue", (189, 215, 238)),
    ("blue", (155, 194, 230)), ("blue", (0, 176, 240)), ("grey", (217, 217, 217)),
    ("grey", (191, 191, 191)), ("red", (255, 0, 0)), ("red", (255, 199, 206)), ("purple", (204, 192, 218)),
]  # fmt: skip


def colour_hex(colour) -> str | None:
    """A pdfplumber fill colour (grey, RGB or CMYK in 0–1) → "#RRGGBB", or None for white/none."""
    if colour is None:
        return None
    try:
        values = [float(v) for v in (colour if isinstance(colour, list | tuple) else [colour])]
    except (TypeError, ValueError):
        return None
    if len(values) == 1:
        values = values * 3
    elif len(values) == 4:
        c, m, y, k = values
        values = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    if len(values) != 3 or all(v >= 0.97 for v in values):
        return None
    return "#" + "".join(f"{round(max(0.0, min(1.0, v)) * 255):02X}" for v in values)


def colour_name(hex_colour: str) -> str:
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    name, _ref = min(PALETTE, key=lambda p: sum((a - b) ** 2 for a, b in zip(p[1], rgb, strict=True)))
    return name


def shade_flag(hex_colour: str) -> str:
    """The default flag of rows shaded `hex_colour`: "Shaded orange (#F4B183)"."""
    return f"{SHADE_PREFIX}{colour_name(hex_colour)} ({hex_colour})"


def _cell(text: str | None) -> str:
    return join_lines((text or "").splitlines())


def _row_fill(row_bbox, fills: list[dict]) -> str | None:
    x0, top, x1, bottom = row_bbox
    width = x1 - x0
    covered: dict[str, float] = {}
    for rect in fills:
        middle = (top + bottom) / 2
        if rect["top"] - 1 <= middle <= rect["bottom"] + 1:
            overlap = min(rect["x1"], x1) - max(rect["x0"], x0)
            if overlap > 0:
                covered[rect["hex"]] = covered.get(rect["hex"], 0) + overlap
    best = max(covered, key=covered.get) if covered else None
    return best if best and covered[best] >= 0.5 * width else None


def parse_tables(pdf, *, file: str) -> ParseResult | None:
    """Records of the recommendation tables of an open pdfplumber document, or None when it has none."""
    result = ParseResult()
    mapping: dict[int, str] | None = None
    header: list[str] = []
    section: list[str] = []
    records: dict[str, ParsedRecord] = {}
    last: ParsedRecord | None = None
    colours: dict[str, int] = {}
    for number, page in enumerate(pdf.pages, start=1):
        tables = _tables(page)
        if not tables:
            continue
        fills = [
            {**r, "hex": h}
            for r in page.rects
            if r.get("fill") and (h := colour_hex(r.get("non_stroking_color"))) and r["width"] > 5
        ]
        for table in tables:
            for row, cells in zip(table.rows, table.extract(), strict=False):
                texts = [_cell(c) for c in cells]
                if not any(texts):
                    continue
                if mapping is None or texts == header:
                    if mapping is None and looks_like_header(texts):
                        mapping, unknown = map_headers(texts)
                        header = texts
                        if unknown:
                            message = _("columns not understood, ignored: %(cols)s") % {
                                "cols": ", ".join(unknown)
                            }
                            result.problems.append(
                                Problem(Place(file=file, page=number), message, blocking=False)
                            )
                    continue
                present = [t for t, c in zip(texts, cells, strict=False) if c is not None]
                filled = [t for t in texts if t]
                alone = len(filled) == 1 and len(texts) > 2 and not _reference(texts, mapping)
                if len(present) == 1 or alone:
                    if last is not None and filled[0][:1].islower():
                        last.text = f"{last.text} {filled[0]}"  # a row cut by the page break
                        continue
                    section = [filled[0]]  # a row across the table: a cluster heading
                    last = None
                    continue
                values = {field: texts[i] for i, field in mapping.items() if i < len(texts)}
                place = Place(file=file, page=number)
                if "reference" in mapping.values() and not _reference(texts, mapping) and last is not None:
                    last.text = f"{last.text} {values.get('text', '')}".strip()  # continued on this page
                    continue
                record, reason = record_from_cells(values, place)
                if record is None:
                    result.problems.append(Problem(place, reason))
                    continue
                record.section = record.section or list(section)
                record.page = record.page or number
                if fill := _row_fill(row.bbox, fills):
                    colours[fill] = colours.get(fill, 0) + 1
                    record.priority_flags.append(shade_flag(fill))
                if record.reference in records:
                    result.problems.append(
                        Problem(place, _("reference %(ref)s appears twice") % {"ref": record.reference})
                    )
                    continue
                records[record.reference] = last = record
    if mapping is None or not records:
        return None
    result.records = list(records.values())
    fields = set(mapping.values()) | {"section", "page", "priority_flags"}
    result.meta["fields"] = sorted(fields)
    result.meta["managed_flags"] = [shade_flag(c) for c in colours]
    result.meta["fill_colours"] = fill_colours(colours)
    return result


def fill_colours(colours: dict[str, int]) -> list[dict]:
    """For the preview: each fill colour met, its name, default flag and number of rows."""
    return [
        {"colour": c, "name": colour_name(c), "flag": shade_flag(c), "rows": n} for c, n in colours.items()
    ]


def _tables(page) -> list:
    """The page's tables, the last one closed at the page foot when a row is cut by the page break
    (the printer draws no bottom rule under it, so the finder would drop the row)."""
    tables = page.find_tables()
    if not tables:
        return tables
    x0, _top, x1, bottom = tables[-1].bbox
    words = sorted(
        (w for w in page.extract_words() if w["top"] >= bottom - 1 and w["x0"] >= x0 and w["x1"] <= x1),
        key=lambda w: w["top"],
    )
    end = bottom
    for word in words:
        if word["top"] - end > 15:
            break
        end = max(end, word["bottom"])
    if end - bottom < 2:
        return tables
    lines = sorted({round(e["top"], 1) for e in page.horizontal_edges} | {end + 2})
    return page.find_tables({"horizontal_strategy": "explicit", "explicit_horizontal_lines": lines})


def _reference(texts: list[str], mapping: dict[int, str]) -> str:
    for index, field in mapping.items():
        if field == "reference" and index < len(texts):
            return texts[index]
    return ""
