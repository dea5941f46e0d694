"""Anyone downloads the public records of the list's current selection, and a source's stable file."""

import csv
import json

import pytest

from coopreview.core.testing import assert_accessible
from coopreview.recommendations.models import Recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_the_filtered_list_as_csv_and_a_source_as_json(
    browser_page, orgs, source, leak_data, tmp_path
):
    assembly = Recommendation.objects.create(source=source, reference="4", text="=Assembly budget line.")
    assembly.addressees.set([orgs["ASP"]])
    page = browser_page

    page.goto(page.base_url + "/recommendations/")
    page.get_by_label("Addressee").select_option("assembly")
    page.wait_for_url("**addressee=assembly**")
    assert_accessible(page, context="list with downloads")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["Reference"], r["Text"]) for r in rows] == [("4", "'=Assembly budget line.")]

    page.goto(page.base_url + "/open-data/")
    assert_accessible(page, context="open data index")
    with page.expect_download() as info:
        page.get_by_role("link", name="ICC-ASP/19/16 as JSON").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    items = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(i["reference"] for i in items) == ["1", "4"]  # members-only 2, restricted 3 left out
