"""One two-flag recommendation (274: the facilitation's priority and the report's Annex I) shows the same
colours in the same order, with owners in the legend, on the list page, the by-cluster view, the HTML
annex, the HTML fed to WeasyPrint, DOCX and XLSX."""

import re

import weasyprint
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from coopreview.recommendations.models import PriorityFlag, in_flag_order
from coopreview.reports.builders import build_annex
from coopreview.reports.exporters import export, to_pdf


def _bar(html: str, marker: str) -> list[int]:
    """The flag pks of the split bar that follows `marker` in `html`."""
    tail = html[html.index(marker) :]
    bar = re.search(r'<span class="flag-bar"[^>]*>(.*?)</span></', tail, re.S).group(1)
    return [int(pk) for pk in re.findall(r'class="flag-(\d+)"', bar)]


def test_two_flags_same_colours_same_order_everywhere(seed, editor_options, client, tmp_path, monkeypatch):
    rec = seed["recs"]["274"]
    annex_i = PriorityFlag.objects.filter(name__icontains="Annex I").first()
    if annex_i is not None and not rec.priority_flags.filter(pk=annex_i.pk).exists():
        rec.priority_flags.add(annex_i)
    flags = in_flag_order(rec.priority_flags.select_related("owner"))
    assert len(flags) == 2
    expected = [f.pk for f in flags]
    colours = [f.colour.upper().lstrip("#") for f in flags]
    client.force_login(seed["editor"])

    # The list and the by-cluster view: the row takes the first colour, the bar shows both, in order.
    for params in ({}, {"group": "on"}):
        page = client.get(reverse("recommendations:list"), params).content.decode()
        row = re.search(r'<tr class="flagged row-flag-(\d+)">(?:(?!</tr>).)*?>274</a>', page, re.S)
        assert row and int(row.group(1)) == expected[0]
        assert _bar(page, ">274</a>") == expected
        for flag in flags:  # the flag filter names each flag's owner
            assert f'<option value="{flag.pk}">{flag.display_name} — {flag.owner_name}</option>' in page
        legend = page[page.index('class="flag-legend"') :]
        for flag in flags:
            assert f"<strong>{flag.display_name}</strong>" in legend and flag.owner_name in legend
    css = client.get(reverse("flags-css")).content.decode()
    for flag in flags:
        assert f".flag-{flag.pk}{{--flag-colour:{flag.colour}}}" in css

    # The HTML annex, and the HTML WeasyPrint renders the PDF from.
    report = build_annex(editor_options())
    fed = []
    monkeypatch.setattr(weasyprint, "HTML", lambda string: fed.append(string) or _Null())
    to_pdf.render_pdf(report)
    html = to_pdf.render_html(report)
    for document in (html, fed[0]):
        row = re.search(r'<tr class="flag-(\d+)[^"]*" data-reference="274">', document)
        assert row and int(row.group(1)) == expected[0]
        assert _bar(document, 'data-reference="274"') == expected
        for flag in flags:
            assert f".flag-bar .flag-{flag.pk} {{ background-color: {flag.colour.upper()}; }}" in document
        legend = re.findall(r'class="swatch flag-(\d+)"', document)
        assert [int(pk) for pk in legend if int(pk) in expected] == expected
        assert all(f"({flag.owner_name})" in document for flag in flags)

    # DOCX: the row is shaded with the first colour, the bar under the reference has one block per flag.
    table = Document(export(report, "docx", tmp_path / "annex.docx")).tables[-1]
    row = next(r for r in table.rows if r.cells[0].paragraphs[0].text == "274")
    assert row.cells[1]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == colours[0]
    bar = row.cells[0].paragraphs[-1]
    assert [r._r.rPr.find(qn("w:shd")).get(qn("w:fill")) for r in bar.runs] == colours
    legend = Document(tmp_path / "annex.docx").tables[0]
    shades = [r.cells[0]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for r in legend.rows]
    assert [s for s in shades if s in colours] == colours
    assert all(any(f.owner_name in r.cells[1].text for r in legend.rows) for f in flags)

    # XLSX: the row filled with the first colour, its flags cell lists each flag with its owner, in order.
    book = load_workbook(export(report, "xlsx", tmp_path / "annex.xlsx"))
    sheet = book.worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == 274)
    assert row[0].fill.fgColor.rgb.endswith(colours[0])
    assert row[3].value.split("\n") == [f"{f.display_name} ({f.owner_name})" for f in flags]
    # and that cell shows the split bar: one band per flag, in order
    assert [s.color.rgb[-6:] for s in row[3].fill.stop[::2]] == colours
    legend_rows = [
        r for r in book.worksheets[-1].iter_rows() if r[0].fill.fgColor.rgb.endswith(tuple(colours))
    ]
    assert [r[0].fill.fgColor.rgb[-6:] for r in legend_rows] == colours
    assert [r[1].value for r in legend_rows] == [f.owner_name for f in flags]


class _Null:
    def write_pdf(self) -> bytes:
        return b""
