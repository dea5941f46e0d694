import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation

LIST = "/recommendations/"


def test_anonymous_list_shows_public_records_only_and_counts_only_them(client, leak_data):
    response = client.get(LIST)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Public recommendation on cooperation agreements." in body
    assert "zebracode" not in body and "quokkacode" not in body
    assert "1 recommendation" in body
    assert_valid_html(response.content)


@pytest.mark.parametrize("persona", ["outsider", "observer"])
def test_non_member_cannot_open_or_search_hidden_records(request, leak_data, persona):
    client = client_for(request.getfixturevalue(persona))

    for key in ("members", "restricted"):
        assert client.get(f"/recommendations/{leak_data[key].pk}/").status_code == 404
        assert client.get(f"/recommendations/{leak_data[key].pk}/edit/").status_code == 404
    for query in ("zebracode", "quokkacode"):
        body = client.get(LIST, {"q": query}).content.decode()
        assert "Members-only" not in body and "Restricted quokkacode" not in body
        assert "0 recommendations" in body


def test_member_sees_members_layer_but_not_restricted(leak_data, state_focal_point):
    client = client_for(state_focal_point)

    assert client.get(f"/recommendations/{leak_data['members'].pk}/").status_code == 200
    assert client.get(f"/recommendations/{leak_data['restricted'].pk}/").status_code == 404


def test_detail_shows_record_and_history_to_members(leak_data, editor):
    response = client_for(editor).get(f"/recommendations/{leak_data['public'].pk}/")

    assert response.status_code == 200
    assert "Public recommendation on cooperation agreements." in response.content.decode()
    assert_valid_html(response.content)


def test_unknown_urls_give_404_with_a_page(client, db):
    response = client.get("/recommendations/999999/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_invalid_filter_is_a_400_naming_the_field(client, leak_data):
    response = client.get(LIST, {"source": "not-a-number"})

    assert response.status_code == 400
    assert "source" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["outsider", "observer", "state_focal_point", "court_focal_point", "facilitator"]
)
def test_only_editors_may_create(request, source, persona):
    client = client_for(request.getfixturevalue(persona))

    response = client.post("/recommendations/new/", {"source": source.pk, "reference": "X1", "text": "t"})

    assert response.status_code == 403
    assert not Recommendation.objects.filter(reference="X1").exists()


def test_anonymous_create_redirects_to_sign_in(client, source):
    response = client.get("/recommendations/new/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_create_with_errors_names_the_fields_and_saves_nothing(editor, source, leak_data):
    client = client_for(editor)

    response = client.post(
        "/recommendations/new/",
        {"source": source.pk, "reference": "1", "text": "", "visibility": Visibility.RESTRICTED},
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "This field is required." in body  # text
    assert "Name at least one organisation" in body  # restricted_to
    assert Recommendation.objects.count() == 3
    assert_valid_html(response.content)


def test_duplicate_reference_in_a_source_is_refused(editor, source, leak_data):
    response = client_for(editor).post(
        "/recommendations/new/",
        {"source": source.pk, "reference": "1", "text": "Again", "visibility": Visibility.PUBLIC},
    )

    assert response.status_code == 422
    assert "already exists" in response.content.decode()
    assert Recommendation.objects.filter(reference="1").count() == 1


def test_editor_edits_and_history_records_who_what_why(editor, leak_data, orgs):
    rec = leak_data["public"]
    client = client_for(editor)
    form = client.get(f"/recommendations/{rec.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "version"}
    data.update(
        text="Amended text",
        reason="Corrected after the meeting",
        addressees=[orgs["ICC"].pk, orgs["ASP"].pk],
        version=rec.updated_at.isoformat(),
        source=rec.source_id,
        visibility=Visibility.PUBLIC,
    )
    data = {
        k: v
        for k, v in data.items()
        if v != [] and k not in ("priority_flags", "themes", "restricted_to", "recommended_by")
    }

    response = client.post(f"/recommendations/{rec.pk}/edit/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    rec.refresh_from_db()
    assert rec.text == "Amended text"
    detail = client.get(f"/recommendations/{rec.pk}/").content.decode()
    assert "Corrected after the meeting" in detail
    assert "Amended text" in detail and "Public recommendation on cooperation agreements." in detail
    assert "Assembly of States Parties" in detail  # the m2m change is in the diff
    latest = rec.history.first()
    assert latest.history_user == editor and latest.history_change_reason == "Corrected after the meeting"


def test_second_concurrent_save_is_refused_and_shows_the_other_change(editor, admin_user, leak_data):
    rec = leak_data["public"]
    stale_version = rec.updated_at.isoformat()
    base = {
        "source": rec.source_id,
        "reference": rec.reference,
        "visibility": Visibility.PUBLIC,
        "addressees": [a.pk for a in rec.addressees.all()],
    }
    first = client_for(admin_user).post(
        f"/recommendations/{rec.pk}/edit/", {**base, "text": "First save wins", "version": stale_version}
    )
    assert first.status_code == 302

    second = client_for(editor).post(
        f"/recommendations/{rec.pk}/edit/", {**base, "text": "Second save", "version": stale_version}
    )

    assert second.status_code == 409
    assert "First save wins" in second.content.decode()
    rec.refresh_from_db()
    assert rec.text == "First save wins"


def _make(source, orgs, n: int) -> None:
    for i in range(n):
        r = Recommendation.objects.create(source=source, reference=f"N{i}", text=f"Numbered {i}")
        r.addressees.set([orgs["OTP"], orgs["ASP"]])


@pytest.mark.parametrize("group", ["", "on"])
def test_list_query_count_does_not_grow_with_rows(editor, source, orgs, group):
    client = client_for(editor)
    _make(source, orgs, 1)
    client.get(LIST)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST, {"group": group} if group else {})
    _make_more = [Recommendation.objects.create(source=source, reference=f"M{i}", text="m") for i in range(2)]
    assert _make_more
    with CaptureQueriesContext(connection) as three:
        client.get(LIST, {"group": group} if group else {})

    assert len(one) == len(three)


def test_htmx_request_gets_the_results_fragment(client, leak_data):
    response = client.get(LIST, {"q": "cooperation"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "<html" not in body
    assert "Public recommendation" in body


def test_language_switch_renders_french(client, leak_data):
    client.post(reverse("set_language"), {"language": "fr", "next": LIST})

    body = client.get(LIST).content.decode()

    assert 'lang="fr"' in body
    assert "Recommandations" in body
    assert "(non traduit)" in body


def test_detail_as_of_shows_the_text_of_that_date(editor, source, orgs):
    from datetime import timedelta

    from django.utils import timezone

    from coopreview.core.history import save_with_history

    rec = save_with_history(Recommendation(source=source, reference="R9", text="Original wording"), by=editor)
    record = rec.history.first()
    record.history_date = timezone.now() - timedelta(days=10)
    record.save()
    rec.text = "Revised wording"
    save_with_history(rec, by=editor)
    past = (timezone.localdate() - timedelta(days=5)).isoformat()
    too_early = (timezone.localdate() - timedelta(days=20)).isoformat()

    response = client_for(editor).get(f"/recommendations/{rec.pk}/", {"as_of": past})
    early = client_for(editor).get(f"/recommendations/{rec.pk}/", {"as_of": too_early})
    bad = client_for(editor).get(f"/recommendations/{rec.pk}/", {"as_of": "31/31/2020"})

    assert "Original wording" in response.content.decode() and "Revised wording" in response.content.decode()
    assert_valid_html(response.content)
    assert "not recorded yet on that date" in early.content.decode()
    assert bad.status_code == 400 and "Enter a valid date." in bad.content.decode()


def test_as_of_hides_a_past_state_the_user_could_not_see_then(outsider, editor, source):
    from datetime import timedelta

    from django.utils import timezone

    from coopreview.core.history import save_with_history

    rec = save_with_history(
        Recommendation(
            source=source, reference="R8", text="Secret draft zorblax", visibility=Visibility.MEMBERS
        ),
        by=editor,
    )
    record = rec.history.first()
    record.history_date = timezone.now() - timedelta(days=10)
    record.save()
    rec.visibility, rec.text = Visibility.PUBLIC, "Published wording"
    save_with_history(rec, by=editor)
    past = (timezone.localdate() - timedelta(days=5)).isoformat()

    response = client_for(outsider).get(f"/recommendations/{rec.pk}/", {"as_of": past})

    assert response.status_code == 200
    assert "zorblax" not in response.content.decode()


def test_filtered_list_query_count_is_constant_for_anonymous_visitors(client, orgs):
    """The benchmark's page (?theme=…&addressee=state): more rows, sources and a bigger page
    (grouped, 500 a page) must not add queries; the source options come in one query."""
    from coopreview.recommendations.models import Source, Theme

    theme = Theme.objects.create(slug="coop", name="Cooperation")

    def grow(n: int) -> None:
        for i in range(n):
            source = Source.objects.create(symbol=f"UPR/{Source.objects.count()}", title=f"Review {i}")
            rec = Recommendation.objects.create(source=source, reference=f"{i}.1", text=f"State item {i}")
            rec.addressees.set([orgs["FRA"]])
            rec.themes.set([theme])

    def queries(extra: dict) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"theme": theme.pk, "addressee": "state", **extra})
        assert response.status_code == 200
        return len(ctx)

    grow(1)
    client.get(LIST)
    one, one_grouped = queries({}), queries({"group": "on"})
    grow(3)
    body = client.get(LIST, {"theme": theme.pk, "addressee": "state"}).content.decode()

    assert queries({}) == one == one_grouped == queries({"group": "on"})
    assert "4 recommendations" in body and body.count("UPR/") >= 4
