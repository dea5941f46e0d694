"""Server-side charts: horizontal bar charts as SVG geometry (no JavaScript, print-friendly).

A template draws the bars from these numbers and puts the same figures in a table beside them."""

from dataclasses import dataclass, field

ROW = 26  # px per bar
LABEL_WIDTH = 38  # percent of the width kept for labels


@dataclass
class Bar:
    label: str
    value: int
    y: int
    width: float  # percent of the whole SVG width
    text_x: float
    colour: str = ""


@dataclass
class Chart:
    key: str
    title: str
    unit: str
    bars: list[Bar] = field(default_factory=list)
    height: int = 0
    label_width: int = LABEL_WIDTH
    total: int = 0


def bar_chart(
    key: str,
    title: str,
    rows: list[tuple[str, int]],
    *,
    unit: str = "",
    maximum: int | None = None,
    colours: dict[str, str] | None = None,
) -> Chart:
    top = maximum or max([v for _, v in rows] or [0]) or 1
    span = 100 - LABEL_WIDTH - 8
    chart = Chart(key=key, title=title, unit=unit, height=max(len(rows), 1) * ROW + 4)
    for i, (label, value) in enumerate(rows):
        width = round(span * value / top, 2)
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                y=i * ROW + 2,
                width=width,
                text_x=round(LABEL_WIDTH + width + 1, 2),
                colour=(colours or {}).get(label, ""),
            )
        )
        chart.total += value
    return chart
