from collections import Counter

import pytest

from coopreview.importers.conftest import UPR
from coopreview.importers.parsers import ImportFileError, detect_format, docx


def test_ohchr_thematic_list(record_property):
    path = UPR / "slovenia2014_thematic_list.docx"
    assert detect_format(path) == "docx"
    result = docx.parse(path)
    records = {r.reference: r for r in result.records}

    import docx as python_docx

    table = python_docx.Document(str(path)).tables[0]
    printed = {row.cells[0].text.split()[0] for row in table.rows if row.cells[0].text[:1].isdigit()}
    found = len(printed & set(records))
    record_property(
        "measured",
        f"[OHCHR DOCX] slovenia2014: references {found}/{len(printed)} ({found / len(printed):.1%})",
    )
    assert set(records) == printed
    assert result.problems == []
    assert Counter(r.response for r in records.values()) == {"supported": 142, "noted": 21}
    first = records["115.1"]
    assert first.text.startswith("Take further steps for the ratification of several international treaties")
    assert "Source of position" not in first.text
    assert first.recommended_by == ["Croatia"]
    assert first.addressees == ["Slovenia"]
    assert first.themes == ["A12 Acceptance of international norms"]
    assert records["115.3"].recommended_by == ["Portugal", "Slovakia"]
    assert len(records["115.2"].themes) >= 2  # listed under several themes: one record, several themes


def test_generic_word_table_with_shaded_row_and_the_same_recommendation_under_two_themes(files):
    path = files.docx(
        "matrix.docx",
        [
            ["No.", "Recommendation", "Addressee", "Position"],
            ["Theme: Arrests", "Theme: Arrests", "Theme: Arrests", "Theme: Arrests"],
            ["R1", "Designate a focal point for arrests.", "Assembly", "Supported"],
            ["R2", "Share information on fugitives (France);", "Court", "Noted"],
            ["Theme: Witnesses", "Theme: Witnesses", "Theme: Witnesses", "Theme: Witnesses"],
            ["R1", "Designate a focal point for arrests.", "Assembly", "Supported"],
        ],
        shaded={3},
    )
    records = {r.reference: r for r in docx.parse(path).records}

    assert list(records) == ["R1", "R2"] or list(records) == ["1", "2"]
    one, two = records.get("R1") or records["1"], records.get("R2") or records["2"]
    assert one.themes == ["Arrests", "Witnesses"]
    assert one.addressees == ["Assembly"]
    assert one.response == "supported"
    assert one.priority_flags == []
    assert two.priority_flags == ["Shaded yellow (#FFFF00)"]
    assert two.recommended_by == ["France"]
    assert two.text == "Share information on fugitives"
    assert two.response == "noted"


def test_word_file_without_a_recommendation_table(files):
    import docx as python_docx

    path = files.dir / "letter.docx"
    document = python_docx.Document()
    document.add_paragraph("Dear colleagues")
    document.save(path)
    with pytest.raises(ImportFileError, match="letter.docx: the document has no table"):
        docx.parse(path)


def test_damaged_word_file(files):
    path = files.dir / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFileError, match="broken.docx"):
        docx.parse(path)
