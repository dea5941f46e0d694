"""A stacked bar chart of statuses per cluster, as SVG (embedded in the HTML and the PDF)."""

from html import escape

BAR_HEIGHT = 16
GAP = 8
LABEL_WIDTH = 300
BAR_WIDTH = 420
FONT = 'font-family="Report Sans, DejaVu Sans, sans-serif" font-size="9"'


def _clip(text: str, limit: int = 58) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stacked_bars(*, title: str, bars: list[tuple[str, list[int]]], series: list[tuple[str, str]]) -> str:
    """`bars`: (label, counts per series); `series`: (label, "#RRGGBB"). Widths are shares of each bar."""
    legend_rows = (len(series) + 2) // 3
    height = 24 + len(bars) * (BAR_HEIGHT + GAP) + legend_rows * 16 + 8
    width = LABEL_WIDTH + BAR_WIDTH + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    y = 8
    for label, counts in bars:
        total = sum(counts) or 1
        out.append(f'<text x="0" y="{y + 12}" {FONT}>{escape(_clip(label))}</text>')
        x = LABEL_WIDTH
        for (series_label, colour), count in zip(series, counts, strict=True):
            if not count:
                continue
            w = BAR_WIDTH * count / total
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" fill="{colour}" '
                f'stroke="#ffffff" stroke-width="0.5"><title>{escape(series_label)}: {count}</title></rect>'
            )
            if w > 14:
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 12}" text-anchor="middle" {FONT}>{count}</text>'
                )
            x += w
        out.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 12}" {FONT}>{sum(counts)}</text>')
        y += BAR_HEIGHT + GAP
    y += 6
    for i, (series_label, colour) in enumerate(series):
        lx = (i % 3) * 220
        ly = y + (i // 3) * 16
        out.append(f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14}" y="{ly + 9}" {FONT}>{escape(series_label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
