"""The annex PDF's layout (issue 14, item 7): fitted columns so the seed's 17 recommendations fit on
2-3 pages like the letter's annex, no cluster heading left alone at the foot of a page, and the
header row on every page, even when one recommendation runs over several pages."""

import io

import pdfplumber
import pytest
from pypdf import PdfReader

from coopreview.reports.builders import build_annex
from coopreview.reports.exporters.to_pdf import render_pdf


@pytest.fixture
def annex(editor_options):
    return lambda **kw: build_annex(editor_options(**kw))


def _pages(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_seed_annex_fits_on_two_or_three_pages(annex, lang):
    pdf = render_pdf(annex(lang=lang))

    assert 2 <= len(PdfReader(io.BytesIO(pdf)).pages) <= 3


def test_no_cluster_heading_is_left_alone_at_the_foot_of_a_page(annex, seed):
    report = annex()
    for rec in seed["recs"].values():  # longer texts, so page breaks fall among the clusters
        rec.text = (rec.text + " ") * 3
        rec.save()
    report = annex()
    titles = [group.title for group in report.groups]

    pages = _pages(render_pdf(report))

    assert len(pages) > 2
    for text in pages[:-1]:
        last_line = text.strip().splitlines()[-2]  # the last line is the page number
        assert not any(last_line.startswith(title[:40]) for title in titles), last_line


def test_header_row_repeats_even_when_one_row_is_very_long(annex, seed):
    rec = seed["recs"]["274"]
    rec.text = " ".join(f"Paragraph {i} of a very long recommendation on cooperation." for i in range(900))
    rec.save()

    pages = _pages(render_pdf(annex()))

    assert len(pages) >= 4
    header = annex().columns[-1][1]
    assert all(header in text for text in pages), [header in text for text in pages]


def test_french_legend_is_complete_and_in_the_english_order(annex):
    english, french = annex().legend, annex(lang="fr").legend

    assert [f.pk for f in french] == [f.pk for f in english]
    assert [f.name for f in french] == ["Priorité de la facilitation", "Priorité de l'annexe I de l'EEI"]
    assert all(f.description for f in french)
    assert french[0].description.startswith("Marquée « x » dans la colonne Priorités")
