import pytest

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.recommendations.models import Source


def _data(source: Source, **changes) -> dict:
    return {
        "symbol": source.symbol,
        "title": source.title,
        "title_fr": "",
        "date": "2020-09-30",
        "link": "https://asp.icc-cpi.int/sites/asp/files/asp_docs/ASP19/ICC-ASP-19-16-ENG.pdf",
        "reason": "Date and link from the Assembly's website",
        "version": source.updated_at.isoformat(),
        **changes,
    }


def test_editor_corrects_a_source_and_the_history_keeps_why(editor, source, leak_data):
    client = client_for(editor)
    rec = leak_data["public"]

    detail = client.get(f"/recommendations/{rec.pk}/").content.decode()
    page = client.get(f"/recommendations/sources/{source.pk}/edit/", {"next": f"/recommendations/{rec.pk}/"})
    saved = client.post(
        f"/recommendations/sources/{source.pk}/edit/",
        {**_data(source), "next": f"/recommendations/{rec.pk}/"},
    )

    assert f"/recommendations/sources/{source.pk}/edit/" in detail
    assert page.status_code == 200 and "Edit source ICC-ASP/19/16" in page.content.decode()
    assert_valid_html(page.content)
    assert saved.status_code == 302 and saved["Location"] == f"/recommendations/{rec.pk}/"
    source.refresh_from_db()
    assert str(source.date) == "2020-09-30" and source.link.endswith("ICC-ASP-19-16-ENG.pdf")
    record = source.history.first()
    assert record.history_change_reason == "Date and link from the Assembly's website"
    assert record.history_user == editor


def test_source_edit_refuses_a_stale_save_and_bad_input(editor, source):
    opened = _data(source)
    client_for(editor).post(f"/recommendations/sources/{source.pk}/edit/", _data(source, title="First"))

    late = client_for(editor).post(
        f"/recommendations/sources/{source.pk}/edit/", {**opened, "title": "Second"}
    )
    bad = client_for(editor).post(
        f"/recommendations/sources/{source.pk}/edit/",
        _data(Source.objects.get(pk=source.pk), link="not a link", symbol=""),
    )

    assert late.status_code == 409 and "First" in late.content.decode()
    assert bad.status_code == 422 and "Enter a valid URL" in bad.content.decode()
    assert Source.objects.get(pk=source.pk).title == "First"


@pytest.mark.parametrize("persona", ["outsider", "observer", "court_focal_point", "facilitator"])
def test_only_editors_edit_sources(request, persona, source, leak_data):
    user = request.getfixturevalue(persona)

    get = client_for(user).get(f"/recommendations/sources/{source.pk}/edit/")
    post = client_for(user).post(f"/recommendations/sources/{source.pk}/edit/", _data(source, title="Hacked"))

    assert get.status_code == 403 and post.status_code == 403
    assert Source.objects.get(pk=source.pk).title != "Hacked"


def test_anonymous_is_sent_to_sign_in_and_unknown_source_is_404(client, editor, source):
    assert client.get(f"/recommendations/sources/{source.pk}/edit/").status_code == 302
    assert client_for(editor).get("/recommendations/sources/99999/edit/").status_code == 404
