import json

import pytest

from coopreview.importers.parsers import ImportFileError, csv, detect_format, xlsx
from coopreview.importers.parsers import json as json_parser
from coopreview.importers.parsers.columns import map_header

HEADER = ["Reference", "Recommendation", "Responsible entity", "Priority", "Status"]
ROWS = [
    HEADER,
    ["R1", "The Assembly should appoint a focal point for arrests.", "Assembly", "x", "Supported"],
    ["R2", "La Cour devrait améliorer la coopération — « effet utile ».", "Court; OTP", "", "Noted"],
]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Reference", "reference"),
        (" no. ", "reference"),
        ("Recommendation", "text"),
        ("TEXTE", "text"),
        ("Entité  responsable", "addressees"),
        ("State under review", "review_state"),
        ("Recommended by", "recommended_by"),
        ("Priorité", "priority_flags"),
        ("Statut", "response"),
        ("Status", "response"),
        ("Responsible Entity (lead)", "addressees"),
        ("Colour of the sky", None),
    ],
)
def test_headers_are_mapped_tolerantly(header, field):
    assert map_header(header) == field


def test_xlsx_matrix(files):
    path = files.xlsx("matrix.xlsx", [["Facilitation on cooperation — matrix"], [], *ROWS])
    assert detect_format(path) == "xlsx"
    result = xlsx.parse(path)

    assert [r.reference for r in result.records] == ["R1", "R2"]
    one, two = result.records
    assert one.priority_flags == ["Priority"] and two.priority_flags == []
    assert two.addressees == ["Court", "OTP"]
    assert two.text == "La Cour devrait améliorer la coopération — « effet utile »."
    assert (one.response, two.response) == ("supported", "noted")
    assert str(two.place) == "matrix.xlsx, sheet Matrix, row 5"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_in_each_encoding_and_delimiter(files, encoding, delimiter):
    path = (
        files.csv(
            f"m-{encoding}.csv",
            ROWS,
            encoding=encoding if encoding != "cp1252" else "cp1252",
            delimiter=delimiter,
        )
        if encoding != "cp1252"
        else files.csv(
            "m-cp1252.csv",
            [[c.replace("—", "-").replace("«", '"').replace("»", '"') for c in r] for r in ROWS],
            encoding="cp1252",
            delimiter=delimiter,
        )
    )
    assert detect_format(path) == "csv"
    records = csv.parse(path).records

    assert [r.reference for r in records] == ["R1", "R2"]
    assert "améliorer la coopération" in records[1].text


def test_missing_text_column_is_refused_with_the_place(files):
    path = files.csv("nocols.csv", [["Reference", "Colour"], ["R1", "blue"]])
    with pytest.raises(ImportFileError, match="nocols.csv, row 1: no “Recommendation” or “Text” column"):
        csv.parse(path)


def test_unknown_columns_are_reported_but_not_blocking(files):
    path = files.csv("extra.csv", [["Reference", "Text", "Colour"], ["R1", "Do it.", "blue"]])
    result = csv.parse(path)
    assert [p.reason for p in result.problems] == ["columns not understood, ignored: Colour"]
    assert not result.problems[0].blocking


def test_duplicate_reference_and_empty_text_are_problems_with_their_row(files):
    path = files.csv(
        "dup.csv", [["Reference", "Text"], ["R1", "First."], ["R1", "Again."], ["R3", ""], ["R4", "Fine."]]
    )
    result = csv.parse(path)
    assert [r.reference for r in result.records] == ["R1", "R4"]
    assert [(str(p.place), p.reason) for p in result.problems] == [
        ("dup.csv, row 3", "reference R1 already in row 2"),
        ("dup.csv, row 4", "reference R3 has no text"),
    ]


def test_unknown_response_is_a_problem(files):
    path = files.csv("resp.csv", [["Reference", "Text", "Status"], ["R1", "Do it.", "Perhaps"]])
    assert "response “Perhaps” is not understood" in csv.parse(path).problems[0].reason


def test_empty_and_binary_files(files):
    empty = files.dir / "empty.csv"
    empty.write_bytes(b"")
    junk = files.dir / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ImportFileError, match="empty.csv: the file is empty"):
        csv.parse(empty)
    with pytest.raises(ImportFileError, match="junk.csv"):
        csv.parse(junk)


def test_damaged_and_encrypted_workbooks(files):
    broken = files.dir / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04garbage")
    ole = files.dir / "locked.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ImportFileError, match="broken.xlsx"):
        xlsx.parse(broken)
    with pytest.raises(
        ImportFileError, match="locked.xlsx: the workbook is encrypted or in the old .xls format"
    ):
        xlsx.parse(ole)
    with pytest.raises(ImportFileError, match="locked.xlsx: an encrypted Office file"):
        detect_format(ole)


def test_json_round_trip_schema(files):
    path = files.dir / "recs.json"
    path.write_text(
        json.dumps(
            [
                {
                    "reference": "67.1",
                    "text": "Ratify the Rome Statute",
                    "section": ["Conclusions"],
                    "addressees": ["Albania"],
                    "priority_flags": [],
                    "recommended_by": ["Canada", "France"],
                    "response": "supported",
                    "page": 13,
                }
            ]
        )
    )
    assert detect_format(path) == "json"
    (record,) = json_parser.parse(path).records
    assert (record.reference, record.section, record.recommended_by, record.page) == (
        "67.1",
        ["Conclusions"],
        ["Canada", "France"],
        13,
    )


def test_bad_json(files):
    path = files.dir / "bad.json"
    path.write_text('[{"reference": "1", "text": "x"},\n {oops}]')
    with pytest.raises(ImportFileError, match="bad.json, line 2: not valid JSON"):
        json_parser.parse(path)
    path.write_text('{"not": "a list"}')
    with pytest.raises(ImportFileError, match="expected a JSON array"):
        json_parser.parse(path)


def test_wrong_types_are_refused_by_content_not_name(files):
    png = files.dir / "matrix.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    archive = files.dir / "data.docx"
    import zipfile

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError, match="matrix.xlsx: an image, not a document"):
        detect_format(png)
    with pytest.raises(ImportFileError, match="data.docx: a zip archive that is neither"):
        detect_format(archive)
    renamed = files.xlsx("really-a-workbook.pdf", ROWS)
    assert detect_format(renamed) == "xlsx"


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_both_xlsx_readers_give_the_same_records(files, monkeypatch, reader):
    if reader == "openpyxl":
        monkeypatch.setattr(xlsx, "_calamine_sheets", lambda path: None)
    path = files.xlsx(
        "m.xlsx", [[], ["", *HEADER], ["", "R1", "Text one.", "Court", 1, ""], ["", 2, "Two.", "", "", ""]]
    )
    result = xlsx.parse(path)
    assert [(r.reference, r.text, r.addressees, str(r.place)) for r in result.records] == [
        ("R1", "Text one.", ["Court"], "m.xlsx, sheet Matrix, row 3"),
        ("2", "Two.", [], "m.xlsx, sheet Matrix, row 4"),
    ]
