"""The "what changed" page past its count's cap (views.overview.CHANGES_COUNTED_UP_TO, lowered here):
it says "more than" instead of counting every change of the period, and its next links still reach
every change, in the reference's order, each once; a restricted recommendation's change never reaches
an outsider on any of those pages; every page costs as many queries as a counted one."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.followup.tests.corpus import build
from coopreview.followup.tests.reference_changes import changes_between_python
from coopreview.followup.views import overview
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation

CAP, SIZE = 15, 10


@pytest.fixture
def capped(monkeypatch, orgs, editor, court_focal_point):
    monkeypatch.setattr(overview, "PAGE_SIZE", SIZE)
    monkeypatch.setattr(overview, "CHANGES_COUNTED_UP_TO", CAP)
    build(n=12, orgs=orgs, editor=editor, court=court_focal_point)


def _walk(client, **headers) -> tuple[list[str], list[str]]:
    """Follow the next links from the first page: (each page's HTML, each listed change's line)."""
    pages, lines, url = [], [], "/followup/changes/"
    while url:
        response = client.get(url, **headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert_valid_html(html)
        pages.append(html)
        lines += re.findall(r'<p class="when">(.*?)</p>', html)
        found = re.search(r'<a href="(\?[^"]*)" rel="next">', html)
        url = "/followup/changes/" + found.group(1).replace("&amp;", "&") if found else None
        assert len(pages) < 50
    return pages, lines


@pytest.mark.parametrize("persona", ["outsider", "editor"])
def test_next_links_past_the_cap_reach_every_change_once_in_order(request, capped, persona):
    user = request.getfixturevalue(persona)
    today = timezone.localdate()
    expected = changes_between_python(user=user, start=today - timezone.timedelta(days=30), end=today)

    pages, lines = _walk(client_for(user))

    assert len(expected) > 2 * SIZE > CAP  # past the cap, and more than two pages
    assert len(lines) == len(expected)
    assert [re.search(r"<strong>(.*?)</strong>", line).group(1) for line in lines] == [
        c.who for c in expected
    ]
    assert all(f"More than {CAP} changes in this period" in " ".join(p.split()) for p in pages)
    assert "<span>Page 2</span>" in pages[1]  # no "of": the number of pages is not known
    assert 'rel="prev"' in pages[-1] and 'rel="next"' not in pages[-1]


def test_a_restricted_recommendations_change_never_reaches_an_outsider(capped, outsider, editor):
    restricted = set(
        Recommendation.objects.filter(visibility=Visibility.RESTRICTED).values_list("pk", flat=True)
    )
    _pages, by_editor = _walk(client_for(editor))
    _pages, by_outsider = _walk(client_for(outsider))

    def linked(lines: list[str]) -> set[int]:
        return {int(pk) for line in lines for pk in re.findall(r'href="/recommendations/(\d+)/"', line)}

    assert linked(by_editor) & restricted  # the editor's pages do show them
    assert not linked(by_outsider) & restricted


def test_under_the_cap_the_exact_count_and_the_last_page_number_are_shown(monkeypatch, capped, editor):
    monkeypatch.setattr(overview, "CHANGES_COUNTED_UP_TO", 1000)
    today = timezone.localdate()
    total = len(changes_between_python(user=editor, start=today - timezone.timedelta(days=30), end=today))

    html = " ".join(client_for(editor).get("/followup/changes/?page=2").content.decode().split())

    assert f"{total} changes" in html and "More than" not in html
    assert f"Page 2 of {-(-total // SIZE)}" in html


def test_in_french(capped, editor):
    client = client_for(editor)
    client.cookies["django_language"] = "fr"
    html = " ".join(client.get("/followup/changes/?page=2").content.decode().split())

    assert f"Plus de {CAP} changements dans cette période : choisissez des dates plus rapprochées" in html
    assert "Page 2<" in html and "Précédente" in html and "Suivante" in html


def _queries(client, url: str) -> int:
    client.get(url)  # warm: sessions, caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_past_the_cap_cost_as_many_queries_as_counted_ones(monkeypatch, capped, editor):
    client = client_for(editor)
    urls = ["/followup/changes/", "/followup/changes/?page=2", "/followup/changes/?page=99"]
    past_the_cap = [_queries(client, url) for url in urls]
    monkeypatch.setattr(overview, "CHANGES_COUNTED_UP_TO", 1000)
    counted = [_queries(client, url) for url in urls]

    assert past_the_cap == counted == [counted[0]] * 3
