"""The source filter when there are too many sources to list: a few options and a box to find others."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.recommendations import forms
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation, Source

LIST = "/recommendations/"
OPTIONS = "/recommendations/sources/options/"


@pytest.fixture
def many_sources(db, orgs, monkeypatch) -> dict[str, Source]:
    """Five public reviews and one whose only recommendation is restricted to the Prosecutor; the limits
    are lowered so that five sources already count as "too many"."""
    monkeypatch.setattr(forms, "SOURCE_OPTIONS_LIMIT", 3)
    monkeypatch.setattr(forms, "FOUND_SOURCES", 2)
    made = {}
    for i, country in enumerate(["Kenya", "Senegal", "France", "Chile", "Japan"]):
        made[country] = Source.objects.create(
            symbol=f"A/HRC/4{i}/1", title=f"UPR report: {country}", date=dt.date(2020 + i, 1, 1)
        )
        Recommendation.objects.create(source=made[country], reference="1", text=f"Item on {country}")
    made["secret"] = Source.objects.create(
        symbol="OTP/99", title="Quokka sealed review", date=dt.date(2030, 1, 1)
    )
    Recommendation.objects.create(
        source=made["secret"], reference="1", text="Sealed", visibility=Visibility.RESTRICTED
    ).restricted_to.set([orgs["OTP"]])
    return made


def _options(body: str) -> list[str]:
    return [line for line in body.splitlines() if "<option" in line]


def test_long_source_list_shows_the_newest_and_a_find_box(client, many_sources):
    response = client.get(LIST)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="source_q"' in body and "Find a source" in body
    # "Any", then the two newest visible sources: Japan (2024), Chile (2023); never the sealed one
    assert "UPR report: Japan" in body and "UPR report: Chile" in body
    assert "UPR report: Kenya" not in body.split("</select>")[0].split('name="source"')[1]
    assert "Quokka" not in body
    assert_valid_html(body)


def test_find_box_lists_matching_visible_sources_only(client, many_sources):
    body = client.get(OPTIONS, {"source_q": "kenya"}).content.decode()
    assert "UPR report: Kenya" in body and len(_options(body)) == 2  # "Any" and Kenya

    assert "Quokka" not in client.get(OPTIONS, {"source_q": "quokka"}).content.decode()
    kept = client.get(OPTIONS, {"source_q": "kenya", "source": many_sources["secret"].pk}).content.decode()
    assert "Quokka" not in kept and "selected" not in kept


def test_prosecutor_finds_the_source_restricted_to_the_office(many_sources, court_focal_point):
    otp = client_for(court_focal_point)

    assert "Quokka sealed review" in otp.get(OPTIONS, {"source_q": "quokka"}).content.decode()


def test_the_chosen_source_stays_among_the_options(client, many_sources):
    kenya = many_sources["Kenya"]

    body = client.get(OPTIONS, {"source_q": "", "source": kenya.pk}).content.decode()
    page = client.get(LIST, {"source": kenya.pk}).content.decode()

    assert f'<option value="{kenya.pk}" selected>' in body
    assert f'<option value="{kenya.pk}" selected>' in page and "Item on Kenya" in page


def test_without_javascript_apply_lists_matching_sources_but_does_not_filter(client, many_sources):
    body = client.get(LIST, {"source_q": "senegal"}).content.decode()

    assert 'value="senegal"' in body  # the box keeps what was typed
    select = body.split('name="source"')[1].split("</select>")[0]
    assert "UPR report: Senegal" in select and "Japan" not in select
    assert "Item on Kenya" in body and "Item on Senegal" in body  # the results are not narrowed


def test_short_source_list_is_shown_whole_without_a_box(client, source, leak_data):
    body = client.get(LIST).content.decode()

    assert "Find a source" not in body and source.symbol in body


def test_finder_page_query_count_does_not_grow_with_sources(client, many_sources):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx)

    client.get(LIST)
    before = queries()
    for i in range(5):
        extra = Source.objects.create(symbol=f"B/{i}", title=f"More {i}", date=dt.date(2019, 1, i + 1))
        Recommendation.objects.create(source=extra, reference="1", text="more")

    assert queries() == before


def test_find_box_text_is_cut_to_200_characters(client, many_sources):
    response = client.get(OPTIONS, {"source_q": "k" * 5000})

    assert response.status_code == 200 and len(_options(response.content.decode())) == 1  # "Any" only


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_visitor_finds_a_source_by_typing_and_filters_by_it(browser_page, many_sources):
    from coopreview.core.testing import assert_accessible

    page = browser_page
    page.goto(page.base_url + LIST)
    source_select = page.get_by_label("Source", exact=True)
    assert source_select.locator("option").count() == 3  # "Any" and the two newest
    assert_accessible(page, context="list with the source finder")

    page.get_by_label("Find a source").fill("kenya")
    kenya = source_select.locator("option", has_text="UPR report: Kenya")
    kenya.wait_for(state="attached")
    assert source_select.locator("option").count() == 2
    assert page.url.endswith(LIST)  # typing narrows the options, not the list

    source_select.select_option(label=kenya.inner_text())
    page.wait_for_url(f"**source={many_sources['Kenya'].pk}**")
    assert "source_q" not in page.url
    rows = page.locator("table.recommendations tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1 and "Item on Kenya" in rows.first.inner_text()
