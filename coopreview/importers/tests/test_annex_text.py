import json

from coopreview.importers.conftest import DEMO_JSON, SEED
from coopreview.importers.names import organisation_key
from coopreview.importers.parsers import annex_text, detect_format


def _expected() -> dict[str, dict]:
    return {r["reference"]: r for r in json.loads(DEMO_JSON.read_text())["recommendations"]}


def test_seed_annex_gives_exactly_its_17_recommendations_with_text_section_and_addressees():
    assert detect_format(SEED) == "annex-text"
    result = annex_text.parse(SEED)
    expected = _expected()

    assert [r.reference for r in result.records] == list(expected)
    assert result.problems == []
    for record in result.records:
        want = expected[record.reference]
        assert record.text == want["text"], record.reference
        assert record.section == want["section"], record.reference
        assert sorted(organisation_key(a) for a in record.addressees) == sorted(want["addressees"])
        assert record.place.line is not None


def test_seed_annex_priority_marks_are_on_274_and_290_only():
    records = annex_text.parse(SEED).records
    assert [r.reference for r in records if r.priority_flags] == ["274", "290"]


def test_seed_annex_repairs_the_hard_cases():
    records = {r.reference: r for r in annex_text.parse(SEED).records}
    # an addressee word stuck to text ("Court the")
    assert records["278"].text.endswith("assist in achieving the same goals.")
    assert records["278"].addressees == ["Court"]
    # a cluster heading running into the first text line
    assert records["279"].section == ["Cooperation Requests - JCCD International Cooperation Section"]
    assert records["279"].text.startswith("The efficiency of the Requests")
    # a cell cut off mid-sentence stays as printed, and does not swallow the next recommendation
    assert records["279"].text.endswith("The Senior Trial")
    assert records["280"].text.startswith("A framework for informal operational contacts")
    # "Court staff…" inside the text is not an addressee
    assert "Court staff and investigators" in records["277"].text


def test_clean_table_text_with_reference_and_text_on_one_line(tmp_path):
    path = tmp_path / "annex.txt"
    path.write_text(
        "Annex - Recommendations\n"
        "Arrests\n"
        "R12 The Assembly should consider a focal point for arrests.\n"
        "Assembly\n"
        "x\n"
        "R13 The Registry should keep a roster of\n"
        "experts on witness relocation.\n"
        "Court\n",
        encoding="utf-8",
    )
    records = annex_text.parse(path).records

    assert [(r.reference, r.section, r.addressees, bool(r.priority_flags)) for r in records] == [
        ("12", ["Arrests"], ["Assembly"], True),
        ("13", ["Arrests"], ["Court"], False),
    ]
    assert records[1].text == "The Registry should keep a roster of experts on witness relocation."


def test_hyphenation_is_repaired_across_lines(tmp_path):
    path = tmp_path / "annex.txt"
    path.write_text("7\nThe Court should improve the effi-\nciency of anti-\ncorruption work.\nCourt\n")
    assert (
        annex_text.parse(path).records[0].text
        == "The Court should improve the efficiency of anti-corruption work."
    )
