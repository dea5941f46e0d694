"""Open data downloads: public records only, whoever asks; the list's filters; formulas neutralised."""

import csv
import io
import json
import time
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation, Source

SECRETS = ("zebracode", "quokkacode", "wombatsecret")


def _body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(response))))


@pytest.fixture
def hidden_source(orgs) -> Source:
    """A source with only a restricted recommendation: its existence must not show either."""
    source = Source.objects.create(symbol="SECRET/1", title="Wombatsecret internal review")
    rec = Recommendation.objects.create(source=source, reference="1", text="Wombatsecret plan.",
                                        visibility=Visibility.RESTRICTED)  # fmt: skip
    rec.restricted_to.set([orgs["OTP"]])
    return source


@pytest.mark.parametrize("who", ["anonymous", "outsider", "editor", "admin_user"])
def test_downloads_hold_public_records_only_for_everybody(who, request, leak_data, hidden_source):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)

    as_csv = client.get("/open-data/recommendations.csv")
    as_json = client.get("/open-data/recommendations.json")

    assert as_csv.status_code == as_json.status_code == 200
    assert as_csv["Content-Type"].startswith("text/csv") and "attachment" in as_csv["Content-Disposition"]
    rows = _csv(as_csv)
    assert [(r["Source"], r["Reference"], r["Visibility"]) for r in rows] == [
        ("ICC-ASP/19/16", "1", "public")
    ]
    items = json.loads(_body(as_json))
    assert [(i["source"], i["reference"]) for i in items] == [("ICC-ASP/19/16", "1")]
    everything = json.dumps(items) + json.dumps(rows)
    assert not any(secret in everything.lower() for secret in SECRETS)


def test_the_list_filters_are_honoured(orgs, source, leak_data):
    other = Recommendation.objects.create(source=source, reference="4", text="Assembly cooperation budget.")
    other.addressees.set([orgs["ASP"]])
    client = client_for(None)

    by_side = _csv(client.get("/open-data/recommendations.csv?addressee=assembly"))
    by_court = _csv(client.get("/open-data/recommendations.csv?addressee=court"))
    by_text = json.loads(_body(client.get("/open-data/recommendations.json?q=budget")))
    restricted = _csv(client_for(None).get("/open-data/recommendations.csv?visibility=restricted"))

    assert [r["Reference"] for r in by_side] == ["4"]
    assert [r["Reference"] for r in by_court] == ["1"]
    assert [i["reference"] for i in by_text] == ["4"]
    assert restricted == []


def test_an_editor_asking_for_restricted_records_gets_none(editor, leak_data):
    rows = _csv(client_for(editor).get("/open-data/recommendations.csv?visibility=restricted"))

    assert rows == []


def test_formula_cells_are_neutralised_in_csv(source):
    Recommendation.objects.create(source=source, reference="7", text="=HYPERLINK(\"http://evil.example\",\"x\")",
                                  text_fr="@SUM(A1:A9)")  # fmt: skip
    Recommendation.objects.create(source=source, reference="8", text="+1+1", text_fr="-2")

    rows = _csv(client_for(None).get("/open-data/recommendations.csv"))
    items = json.loads(_body(client_for(None).get("/open-data/recommendations.json")))

    assert [(r["Text"], r["Text (French)"]) for r in rows] == [
        ('\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1:A9)"),
        ("'+1+1", "'-2"),
    ]
    assert items[0]["text"] == '=HYPERLINK("http://evil.example","x")'  # JSON is not a spreadsheet


def test_a_source_has_a_stable_address(leak_data, hidden_source):
    client = client_for(None)

    as_json = client.get("/open-data/sources/ICC-ASP/19/16.json")
    as_csv = client.get("/open-data/sources/ICC-ASP/19/16.csv")
    hidden = client.get("/open-data/sources/SECRET/1.csv")
    unknown = client.get("/open-data/sources/NOPE/1.json")

    assert [i["reference"] for i in json.loads(_body(as_json))] == ["1"]
    assert [r["Reference"] for r in _csv(as_csv)] == ["1"]
    assert 'filename="ICC-ASP-19-16.csv"' in as_csv["Content-Disposition"]
    assert hidden.status_code == unknown.status_code == 404
    assert "wombatsecret" not in hidden.content.decode().lower()


def test_bad_filters_are_a_400_naming_the_filter(hidden_source, leak_data):
    client = client_for(None)

    bad_side = client.get("/open-data/recommendations.csv?addressee=moon")
    hidden = client.get(f"/open-data/recommendations.json?source={hidden_source.pk}")

    assert bad_side.status_code == hidden.status_code == 400
    assert "Addressee" in bad_side.content.decode()
    assert "Source" in hidden.content.decode() and "wombatsecret" not in hidden.content.decode().lower()
    assert_valid_html(bad_side.content)


def test_large_sets_stream_in_pieces(source, orgs, record_property):
    rows = [Recommendation(source=source, reference=str(i), reference_sort=f"{i:08d}", text=f"Rec {i}.")
            for i in range(1, 5001)]  # fmt: skip
    Recommendation.objects.bulk_create(rows)
    links = Recommendation.addressees.through
    links.objects.bulk_create([links(recommendation_id=r.pk, organisation_id=orgs["ICC"].pk) for r in rows])

    started, cpu = time.perf_counter(), time.process_time()
    response = client_for(None).get("/open-data/recommendations.csv")
    pieces = list(response.streaming_content)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu

    assert len(pieces) >= 10  # written as it is read, not built whole in memory
    read = list(csv.DictReader(io.StringIO(b"".join(pieces).decode())))
    assert len(read) == 5000 and {r["Addressees"] for r in read} == {"International Criminal Court"}
    record_property("measured", f"open data CSV, 5,000 rows: {wall:.2f} s wall, {cpu:.2f} s CPU "
                                f"({5000 / cpu:,.0f} rows per CPU second)")  # fmt: skip


def test_index_lists_public_sources_with_their_links(leak_data, hidden_source):
    response = client_for(None).get("/open-data/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "ICC-ASP/19/16" in page and "/open-data/sources/ICC-ASP/19/16.csv" in page
    assert "SECRET/1" not in page and "wombatsecret" not in page.lower()
    assert "<td>1</td>" in page  # one public recommendation of three
    assert_valid_html(response.content)


def test_index_in_french(leak_data, source):
    source.date = date(2020, 9, 30)
    source.save()
    client = client_for(None)
    client.cookies["django_language"] = "fr"

    page = client.get("/open-data/").content.decode()

    assert "Données ouvertes" in page and "Recommandations publiques" in page
    assert '<time datetime="2020-09-30">30 septembre 2020</time>' in page  # the page's language, not ISO


def test_index_query_count_is_constant(source):
    client = client_for(None)
    Recommendation.objects.create(source=source, reference="1", text="Public.")
    with CaptureQueriesContext(connection) as one:
        client.get("/open-data/")
    for n in (2, 3):
        extra = Source.objects.create(symbol=f"S/{n}", title=f"Source {n}")
        Recommendation.objects.create(source=extra, reference="1", text="Public.")

    with CaptureQueriesContext(connection) as three:
        client.get("/open-data/")

    assert len(three) == len(one)


def test_the_list_page_offers_the_downloads_with_its_filters(leak_data):
    response = client_for(None).get("/recommendations/?addressee=court&q=cooperation")

    page = response.content.decode()
    assert 'formaction="/open-data/recommendations.csv"' in page
    assert 'formaction="/open-data/recommendations.json"' in page
    assert 'name="addressee" value="court" data-kept-filter' in page
    assert_valid_html(response.content)
