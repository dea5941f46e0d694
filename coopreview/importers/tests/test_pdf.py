import pytest

from coopreview.importers.conftest import UPR
from coopreview.importers.parsers import ImportFileError, detect_format, pdf
from coopreview.importers.tests.upr_eval import score

REPORTS = [("albania2010", "albania"), ("canada2009", "Canada")] + [
    (f"reports2012-2014/{state}{year}", state)
    for state, year in [
        ("algeria", 2012), ("burundi", 2013), ("cuba", 2013), ("france", 2013), ("ghana", 2012),
        ("iran", 2014), ("iraq", 2014), ("japan", 2012), ("netherlands", 2012), ("slovakia", 2014),
    ]
]  # fmt: skip


@pytest.mark.parametrize(("name", "state"), REPORTS)
def test_upr_working_group_reports_match_the_hand_extracted_recommendations(name, state, record_property):
    path = UPR / f"{name}.pdf"
    assert detect_format(path) == "pdf"
    result = pdf.parse(path)
    s = score(result.records, state)
    record_property("measured", f"[UPR PDF] {s.line(name)}")  # printed in the run's summary
    assert s.recall >= 0.99
    assert s.extra == []
    # wording present: verbatim containment, or ≥ 90 % of the words (researchers split and reword
    # some items editorially, "129.1.1 consider ratifying …")
    assert max(s.words_match, s.text_match) / s.found >= 0.97
    assert s.text_match / s.found >= 0.85
    assert s.response_match / s.found >= 0.98
    assert result.problems == []


def test_albania_items_carry_reference_response_recommenders_state_and_page():
    records = {r.reference: r for r in pdf.parse(UPR / "albania2010.pdf").records}

    first = records["67.1"]
    assert first.text.startswith("Consider signing the Convention on the Rights of Persons with Disabilities")
    assert first.recommended_by == ["Canada"]
    assert first.addressees == ["Albania"]
    assert first.response == "supported"
    assert first.page == 13
    # paragraph 68 names items of 67 that are "already implemented or in the process of implementation"
    assert records["67.8"].response == "implemented"
    assert records["69.1"].response == "consider"
    assert records["70.1"].response == "rejected"
    # text across a page break, running header "A/HRC/13/6" and page numbers removed
    assert records["67.22"].text.endswith("employees in the security and justice sectors")
    assert not any("A/HRC/13/6" in r.text for r in records.values())


def test_canada_response_comes_from_the_paragraph_after_the_list():
    result = pdf.parse(UPR / "canada2009.pdf")
    assert {r.response for r in result.records} == {"consider"}
    assert result.meta["symbol"] == "A/HRC/11/17"
    item = next(r for r in result.records if r.reference == "86.14")
    assert item.recommended_by == ["Portugal", "Mexico", "Slovakia"]


HTML = """
<html><head><style>
@page { size: A4; margin: 2.5cm 2cm;
  @top-center { content: "ICC-ASP/99/1"; } @bottom-center { content: counter(page); } }
body { font-size: 11pt; } .fn { font-size: 8pt; } h2 { font-weight: bold; font-size: 11pt; }
td { padding: 4pt; } tr.hl { background: #ffd966; }
</style></head><body>
<h2>Cooperation with States</h2>
<p>Recommendation 1. The Assembly should establish a focal point for arrests.</p>
<p>R2 The Court should develop regional cooperation frameworks with States Parties that
continue across several lines of text so that the wording wraps.</p>
<div style="page-break-before: always"></div>
<h2>Witness protection</h2>
<table><tr class="hl"><td>R3 The Registry should conclude more relocation agreements.</td></tr>
<tr><td>R4 States should notify changes in their focal points.</td></tr></table>
<p class="fn">1 A footnote that must not be read as text.</p>
</body></html>
"""


def test_ier_style_pdf_with_headings_shading_running_headers_and_footnotes(files):
    path = files.pdf("ier.pdf", HTML)
    result = pdf.parse(path)
    records = {r.reference: r for r in result.records}

    assert list(records) == ["1", "2", "3", "4"]
    assert records["1"].text == "The Assembly should establish a focal point for arrests."
    assert records["2"].text.endswith("so that the wording wraps.")
    assert records["1"].section == ["Cooperation with States"]
    assert records["3"].section == ["Witness protection"]
    assert records["3"].page == 2
    assert records["3"].priority_flags == [pdf.HIGHLIGHT_FLAG]
    assert records["4"].priority_flags == []
    assert "footnote" not in records["4"].text
    assert not any("ICC-ASP/99/1" in r.text for r in result.records)


def test_un_style_list_in_a_generated_pdf(files):
    html = """<html><body style="font-size:11pt">
    <p>12. The following recommendations will be examined by Ruritania, which will respond in due time:</p>
    <p>1. Ratify the Rome Statute (Senegal; France);</p>
    <p>2. Cooperate fully with the Court (Republic of Korea);</p>
    <p>13. The following recommendations did not enjoy the support of Chile:</p>
    <p>1. Abolish the death penalty (Bolivia (Plurinational State of));</p>
    </body></html>"""
    records = {r.reference: r for r in pdf.parse(files.pdf("un.pdf", html)).records}

    assert records["12.1"].recommended_by == ["Senegal", "France"]
    assert records["12.1"].text == "Ratify the Rome Statute"
    assert records["12.1"].response == "consider"
    assert records["12.2"].recommended_by == ["Republic of Korea"]
    assert records["13.1"].response == "rejected"
    assert records["13.1"].recommended_by == ["Bolivia (Plurinational State of)"]
    assert records["13.1"].addressees == records["12.1"].addressees == ["Chile"]  # the State under review


def test_pdf_bad_inputs_name_the_file(files):
    empty = files.dir / "empty.pdf"
    empty.write_bytes(b"")
    corrupt = files.dir / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    with pytest.raises(ImportFileError, match="empty.pdf: the file is empty"):
        pdf.parse(empty)
    with pytest.raises(ImportFileError, match="corrupt.pdf: the PDF is damaged"):
        pdf.parse(corrupt)


def test_encrypted_pdf_is_refused(files):
    from pypdf import PdfReader, PdfWriter

    plain = files.pdf("plain.pdf", HTML)
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")  # noqa: S106
    locked = files.dir / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(ImportFileError, match="locked.pdf: the PDF is encrypted"):
        pdf.parse(locked)


def test_scanned_image_only_pdf_is_refused(files):
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PNG")
    png = base64.b64encode(buffer.getvalue()).decode()
    path = files.pdf(
        "scan.pdf", f'<html><body><img src="data:image/png;base64,{png}" width="400"></body></html>'
    )
    with pytest.raises(ImportFileError, match="scan.pdf: the PDF holds only scanned images"):
        pdf.parse(path)


def test_pdf_without_recommendations_says_so(files):
    path = files.pdf("prose.pdf", "<p>A letter about the weather.</p>")
    with pytest.raises(ImportFileError, match="prose.pdf: no numbered recommendation found"):
        pdf.parse(path)


def test_later_un_reports_printing_full_references(files):
    html = """<html><body style="font-size:11pt">
    <p>114. Ruritania thanked the delegations.</p>
    <p>115. The following recommendations will be examined by Slovenia, which will provide responses in due
    time, but no later than the twenty-eighth session of the Human Rights Council:</p>
    <p>115.1 Take further steps for the ratification of several international treaties (Croatia);</p>
    <p>115.2 Ratify the Optional Protocol to the Convention on the Rights of the Child on a
    communications procedure (Portugal, Slovakia);</p>
    <p>116. All conclusions and/or recommendations contained in the present report reflect the position
    of the submitting State(s).</p>
    </body></html>"""
    records = pdf.parse(files.pdf("later.pdf", html)).records

    assert [(r.reference, r.response, r.recommended_by) for r in records] == [
        ("115.1", "consider", ["Croatia"]),
        ("115.2", "consider", ["Portugal", "Slovakia"]),
    ]
    assert records[1].text.endswith("on a communications procedure")
    assert records[0].addressees == ["Slovenia"]
