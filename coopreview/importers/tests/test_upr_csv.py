"""The researchers' CSV of 2008–2011 UPR recommendations, imported as is (one source per review)."""

import csv
import io
import re
import time

import pytest
from django.core.management import call_command

from coopreview.importers import services
from coopreview.importers.conftest import UPR
from coopreview.importers.models import UnmatchedName
from coopreview.importers.parsers import csv as csv_parser
from coopreview.recommendations.models import Recommendation, Source

pytestmark = pytest.mark.django_db
SHARED_CSV = UPR / "upr_recommendations_2008_2011.csv"


def test_doubled_quotes_inside_a_quoted_cell_stay_in_the_text(files):
    path = files.dir / "quotes.csv"
    path.write_text(
        "text,state_under_review,response,recommending_state,year\n"
        '"1.1 Adopt the ""Paris Principles"", as advised (France, Chile);",Albania,support,France,2010\n'
        '"1.1 Adopt the ""Paris Principles"", as advised (France, Chile);",Albania,support,Chile,2010\n',
        encoding="utf-8",
    )

    result = csv_parser.parse(path)

    assert [(r.reference, r.text, r.recommended_by, r.addressees, r.review) for r in result.records] == [
        ("1.1", 'Adopt the "Paris Principles", as advised (France, Chile);', ["France", "Chile"], ["Albania"],
         "Albania 2010"),
    ]  # fmt: skip


def test_a_file_of_several_reviews_becomes_one_source_per_review_unless_one_is_chosen(orgs, files, editor):
    rows = [
        ["text", "state_under_review", "response", "recommending_state", "year"],
        ["5.1 Ratify OP-CAT (France);", "cotedivoire", "support", "France", "2009"],
        ["5.1 Ratify OP-CAT (France);", "Albania", "unknown", "NA", "2010"],
        ["5.2 Abolish the death penalty (Chile);", "Albania", "implement", "Chile", "2010"],
    ]
    path = files.csv("reviews.csv", rows)

    _used, result = services.parse_file(path, file=path.name)
    plan = services.build_plan(result=result, file=path.name, format="csv")
    chosen = services.build_plan(result=result, file=path.name, format="csv", source="X/1")

    assert sorted((r.source, r.reference) for r in plan.records) == [
        ("Albania 2010", "5.1"), ("Albania 2010", "5.2"), ("Côte d'Ivoire 2009", "5.1"),
    ]  # fmt: skip
    assert [(str(p.place), p.reason, p.blocking) for p in plan.problems] == [
        ("reviews.csv, row 3", "reference 5.1: response “unknown” is not understood; left empty", False)
    ]
    assert {r.reference: r.values["response"] for r in plan.records if r.source == "Albania 2010"} == {
        "5.1": "",
        "5.2": "implemented",
    }
    assert [p.reason for p in chosen.problems if p.blocking] == ["reference 5.1 appears twice"]


def test_shared_upr_csv_imports_as_is_without_a_source(orgs, editor, record_property):
    with SHARED_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = {
        (" ".join(r["state_under_review"].split()).lower().replace(" ", ""), r["year"],
         re.match(r"\s*(\d+(?:\.\d+)*)", r["text"]).group(1))
        for r in rows
    }  # fmt: skip
    out = io.StringIO()
    started = time.monotonic()

    call_command("import", str(SHARED_CSV), "--user", "editor", stdout=out, stderr=io.StringIO())

    elapsed = time.monotonic() - started
    imported = Recommendation.objects.count()
    record_property("measured", f"[UPR CSV] {imported} of {len(expected)} recommendations in {elapsed:.0f} s")
    assert len(rows) == 19702 and len(expected) == 18250
    assert imported >= 0.999 * len(expected)
    assert "Applied: 18250 new, 0 changed." in out.getvalue()
    assert Source.objects.count() == 180  # 181 spellings of reviews: "SriLanka" 2008 is Sri Lanka's
    algeria = Recommendation.objects.get(source__symbol="Algeria 2008", reference="69.1")
    assert [o.code for o in algeria.addressees.all()] == ["DZA"]
    assert [o.code for o in algeria.recommended_by.all()] == ["KWT"]
    # one recommendation, once per recommending State in the file
    canada = Recommendation.objects.get(source__symbol="Canada 2009", reference="86.1")
    assert sorted(o.code for o in canada.recommended_by.all()) == ["EGY", "MEX"]
    # every State matched, or listed and kept as text
    assert sorted(set(UnmatchedName.objects.values_list("name", flat=True))) == [
        "Centeral African Republic", "kyrgysztan", "moratorium",
    ]  # fmt: skip
    for name in ("Centeral African Republic", "kyrgysztan", "moratorium"):
        assert f"“{name}” is not a known organisation or State" in out.getvalue()
