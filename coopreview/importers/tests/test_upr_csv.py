"""The researchers' CSV of 2008–2011 UPR recommendations, imported as is (one source per review)."""

import csv
import io
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


def test_shared_upr_csv_imports_as_is_without_a_source(orgs, record_property):
    """The whole file, parsed and planned as the import command does without --source."""
    with SHARED_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    started = time.monotonic()

    used, result = services.parse_file(SHARED_CSV, file=SHARED_CSV.name)
    plan = services.build_plan(result=result, file=SHARED_CSV.name, format=used)

    elapsed = time.monotonic() - started
    record_property("measured", f"[UPR CSV] {plan.counts['new']} recommendations planned in {elapsed:.0f} s")
    assert len(rows) == 19702
    assert plan.counts["new"] == 18250 and plan.counts["problems"] == 0  # ≥ 99.9 %: all of them
    assert len({r.source for r in plan.records}) == 180  # 181 spellings: "SriLanka" 2008 is Sri Lanka's
    assert {u["name"] for u in plan.meta["unknown_names"]} == {
        "kyrgysztan",
        "Centeral African Republic",
        "moratorium",
    }
    assert result.meta["odd_responses"] == {"unknown": 50}
    canada = next(r for r in plan.records if (r.source, r.reference) == ("Canada 2009", "86.1"))
    assert sorted(ref.code for ref in canada.values["recommended_by"]) == ["EGY", "MEX"]
    assert [ref.code for ref in canada.values["addressees"]] == ["CAN"]


def test_shared_upr_csv_reviews_are_applied_with_names_kept_as_text(orgs, editor, files):
    """Three reviews of the shared file (the full apply is timed by the benchmark), through the CLI."""
    with SHARED_CSV.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [
            r
            for r in reader
            if (r[1], r[4]) in {("Canada", "2009"), ("kyrgysztan", "2010"), ("Zambia", "2008")}
        ]
    path = files.csv("three.csv", [header, *rows])
    out = io.StringIO()

    call_command("import", str(path), "--user", "editor", stdout=out, stderr=io.StringIO())

    assert sorted(Source.objects.values_list("symbol", flat=True)) == [
        "Canada 2009",
        "Zambia 2008",
        "kyrgysztan 2010",
    ]
    canada = Recommendation.objects.get(source__symbol="Canada 2009", reference="86.1")
    assert sorted(o.code for o in canada.recommended_by.all()) == ["EGY", "MEX"]
    kyrgyz = Recommendation.objects.filter(source__symbol="kyrgysztan 2010")
    assert kyrgyz.exists() and not kyrgyz.filter(addressees__isnull=False).exists()
    assert set(UnmatchedName.objects.filter(role="addressees").values_list("name", flat=True)) == {
        "kyrgysztan"
    }
    assert "“kyrgysztan” is not a known organisation or State" in out.getvalue()
