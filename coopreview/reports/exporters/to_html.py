"""Printable HTML: the same template the PDF is made from, self-contained (styles in the file)."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

STATIC = Path(__file__).resolve().parent.parent / "static" / "reports"
FONT_DIR = Path(getattr(settings, "REPORTS_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONT_FILES = [
    ("DejaVuSans.ttf", "normal", "normal"),
    ("DejaVuSans-Bold.ttf", "bold", "normal"),
    ("DejaVuSans-Oblique.ttf", "normal", "italic"),
    ("DejaVuSans-BoldOblique.ttf", "bold", "italic"),
]


def fonts() -> list[dict[str, str]]:
    """DejaVu Sans covers every accent of French (and Spanish, Arabic names in Latin script…)."""
    return [
        {"url": (FONT_DIR / name).as_uri(), "weight": weight, "style": style}
        for name, weight, style in FONT_FILES
        if (FONT_DIR / name).exists()
    ]


TEMPLATES = {
    "annex": "reports/annex.html",
    "progress": "reports/progress.html",
    "sheet": "reports/sheet.html",
}


def render_html(report) -> str:
    doc = report.doc
    context = {
        "report": report,
        "doc": doc,
        "legend_flags": getattr(report, "legend", []),
        "css": (STATIC / "print.css").read_text(encoding="utf-8"),
        "fonts": fonts(),
        "orientation": "portrait" if doc.kind == "sheet" else "landscape",
    }
    with translation.override(doc.lang):
        return render_to_string(TEMPLATES[doc.kind], context)


def render_html_bytes(report) -> bytes:
    return render_html(report).encode("utf-8")
