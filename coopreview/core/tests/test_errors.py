"""Hostile or odd input never gives a server error: the cases found in review, then a fuzz test over
every URL's query parameters (hypothesis: it shrinks a failure to the smallest query that causes it)."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopreview.followup.enums import UpdateState
from coopreview.followup.models import Action, ProgressUpdate
from coopreview.recommendations.models import Recommendation, Source


@pytest.fixture
def newer(orgs, source) -> Source:
    """A newer set with few recommendations, one of stop words only: little for similarity to learn."""
    source.date = date(2010, 1, 1)
    source.save()
    newer = Source.objects.create(symbol="NEW/1", title="Newer review", date=date(2020, 1, 1))
    rec = Recommendation.objects.create(source=newer, reference="1", text="of the")
    rec.addressees.set([orgs["ICC"]])
    return newer


def test_lineage_pages_with_few_candidates_answer(client, leak_data, editor, source, newer):
    client.force_login(editor)

    implementation = client.get(f"/lineage/implementation/{source.pk}/")
    review = client.get(f"/lineage/review/?source={source.pk}&target={newer.pk}")
    review_newer = client.get(f"/lineage/review/?source={newer.pk}")

    assert (implementation.status_code, review.status_code, review_newer.status_code) == (200, 200, 200)
    assert "Public recommendation on cooperation agreements" in implementation.content.decode()


def test_progress_report_since_year_one_is_refused_with_a_message(client, leak_data, editor):
    client.force_login(editor)

    response = client.get("/reports/download/?report=progress&format=html&since=0001-01-01")

    assert response.status_code == 400
    assert "0001-01-01 is too early" in response.content.decode()


def test_report_command_since_year_one_exits_with_a_message(leak_data, editor, tmp_path):
    with pytest.raises(CommandError, match="too early"):
        call_command(
            "report", "progress", "--format", "html", "--since", "0001-01-01", "-o", str(tmp_path / "p.html")
        )


@pytest.mark.parametrize(
    "url", ["/followup/changes/?start=0001-01-01&end=0001-01-02", "/followup/?as_of=0001-01-01"]
)
def test_follow_up_dates_of_year_one_are_refused(client, leak_data, editor, url):
    client.force_login(editor)

    response = client.get(url)

    assert response.status_code == 400
    assert "too early" in response.content.decode()


def test_recommendation_as_of_year_one_is_refused(client, leak_data):
    response = client.get(f"/recommendations/{leak_data['public'].pk}/?as_of=0001-01-01")

    assert response.status_code == 400
    assert "too early" in response.content.decode()


def test_source_options_with_a_huge_source_id(client, leak_data, source):
    response = client.get("/recommendations/sources/options/?source=" + "9" * 400)

    assert response.status_code == 200
    assert source.symbol in response.content.decode()


@pytest.mark.parametrize("host", ["evil.example.com", "a" * 300, "bad..host"])
def test_a_host_not_allowed_gets_400(db, host):
    response = Client(HTTP_HOST=host).get("/recommendations/")

    assert response.status_code == 400
    assert "400" in response.content.decode()


def test_validate_update_never_redirects_off_site(client, leak_data, editor, orgs):
    action = Action.objects.create(title="Relocation plan", lead=orgs["OTP"])
    action.recommendations.set([leak_data["public"]])
    update = ProgressUpdate.objects.create(action=action, text="Done", state=UpdateState.PUBLISHED)
    client.force_login(editor)

    evil = client.post(f"/followup/update/{update.pk}/validate/", {"next": "https://evil.example.com/x"})
    slashes = client.post(f"/followup/update/{update.pk}/validate/", {"next": "//evil.example.com/x"})
    local = client.post(f"/followup/update/{update.pk}/validate/", {"next": "/followup/"})

    assert evil.status_code == slashes.status_code == 302
    assert evil["Location"] == slashes["Location"] == f"/followup/action/{action.pk}/"
    assert local["Location"] == "/followup/"


# ---------------------------------------------------------------- fuzz


def _routes(patterns=None, prefix=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if not str(p.pattern).startswith("admin/"):
                yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and "^" not in str(p.pattern):
            yield prefix + str(p.pattern)


# parameter names the views read, and a few they do not
PARAMS = [
    "q", "page", "sort", "source", "source_q", "section", "addressee", "organ", "flag", "theme",
    "visibility", "group", "status", "disagree", "as_of", "since", "start", "end", "format", "report",
    "lang", "columns", "reference", "title", "type", "rec", "target", "method", "widen", "when",
    "next", "kind", "state", "measure", "language", "sheet_per_cluster", "x", "id",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["0", "-1", "9" * 40, "0001-01-01", "9999-12-31", "2025-02-30", "csv", "json", "xlsx",
                     "pdf", "docx", "html", "progress", "sheet", "annex", "%00", "../..", "1e309", "NaN"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)  # fmt: skip


@pytest.fixture
def fuzz_targets(leak_data, source, editor, orgs):
    """Every GET route filled with an existing id (the first public recommendation's, the source's)."""
    values = {"pk": str(leak_data["public"].pk), "source_pk": str(source.pk), "code": "SEN"}
    urls = []
    for route in _routes():
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if all(n in values for n in names):
            urls.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route))
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(editor)
    return urls, [anonymous, signed_in]


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_fuzz_query_parameters_of_every_url_never_500(fuzz_targets, data):
    urls, clients = fuzz_targets
    url = data.draw(st.sampled_from(urls), label="url")
    params = data.draw(st.dictionaries(st.sampled_from(PARAMS), VALUES, max_size=4), label="params")
    who = data.draw(st.sampled_from(clients), label="client")

    response = who.get(url, params)

    assert response.status_code < 500, (url, params)
