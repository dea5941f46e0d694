"""PDF through WeasyPrint from the HTML templates: embedded DejaVu fonts, page numbers, repeated headers."""

from coopreview.reports.exporters.to_html import render_html


def render_pdf(report) -> bytes:
    # Imported here: loading Pango costs time and only PDFs need it. The <title> becomes the PDF's title.
    from weasyprint import HTML

    return HTML(string=render_html(report)).write_pdf()
