"""The list page's cheaper rendering (issue #17): rows joined in Python, the filter bar's organ, flag and
theme options kept rendered between requests. Same markup, chosen options still selected, nothing kept
that one reader may see and another may not."""

import re

import pytest

from coopreview.core.testing import assert_valid_html, client_for
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation, Source, Theme

LIST = "/recommendations/"


@pytest.fixture
def marked(orgs, source) -> dict:
    """A public recommendation with an awkward reference and text, an organ addressee, a theme and two
    flags; and a source whose only recommendation is restricted to the Prosecutor."""
    theme = Theme.objects.create(slug="coop", name="Cooperation", name_fr="Coopération")
    first = PriorityFlag.objects.create(name="Alpha priority", owner=orgs["REGISTRY"], colour="#112233")
    second = PriorityFlag.objects.create(name="Beta <priority>", colour="#445566")
    rec = Recommendation.objects.create(
        source=source, reference="7<b>", text='Ask "States" to <script>x</script> & cooperate.'
    )
    rec.addressees.set([orgs["REGISTRY"]])
    rec.themes.set([theme])
    rec.priority_flags.set([second, first])
    secret = Source.objects.create(symbol="OTP/SEALED", title="Quokka sealed review")
    Recommendation.objects.create(
        source=secret, reference="1", text="Sealed", visibility=Visibility.RESTRICTED
    ).restricted_to.set([orgs["OTP"]])
    return {"rec": rec, "theme": theme, "flags": [first, second], "secret": secret}


def _row(body: str, rec: Recommendation) -> str:
    return re.search(
        rf'<tr class="[^"]*">(?:(?!</tr>).)*?/recommendations/{rec.pk}/(?:(?!</tr>).)*</tr>', body, re.S
    )[0]


def _selected(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S)[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_row_escapes_every_value_and_shows_flags_in_order(client, marked):
    body = client.get(LIST).content.decode()

    row = _row(body, marked["rec"])
    first, second = marked["flags"]
    assert f'<tr class="flagged row-flag-{first.pk}">' in row
    assert "7&lt;b&gt;" in row and "<b>" not in row
    assert "&lt;script&gt;x&lt;/script&gt; &amp; cooperate." in row and "<script>" not in row
    assert 'aria-label="Alpha priority (Registry), Beta &lt;priority&gt; (the source)"' in row
    assert row.index(f'class="flag flag-{first.pk}"') < row.index(f'class="flag flag-{second.pk}"')
    assert '<div class="muted small">Registry</div>' in row  # the organ, under "Court"
    assert 'data-label="Addressee">Court' in row
    assert 'name="ids"' not in row  # an anonymous reader cannot change them all at once
    assert_valid_html(body)


def test_members_get_a_labelled_checkbox_per_row(marked, court_focal_point):
    body = client_for(court_focal_point).get(LIST).content.decode()

    row = _row(body, marked["rec"])
    rec = marked["rec"]
    assert f'id="select-{rec.pk}" aria-label="Select 7&lt;b&gt;"' in row
    assert 'id="bulk-form"' in body
    assert_valid_html(body)


def test_french_rows_say_untranslated_and_use_french_names(client, marked):
    body = client.get(LIST, headers={"accept-language": "fr"}).content.decode()

    assert "(non traduit)" in _row(body, marked["rec"])
    assert ">Coopération</option>" in body


def test_chosen_organ_flag_and_theme_stay_selected(client, marked, orgs):
    client.get(LIST)  # the options are kept rendered from here on
    first = marked["flags"][0]
    chosen = {"organ": orgs["REGISTRY"].pk, "flag": first.pk, "theme": marked["theme"].pk}

    body = client.get(LIST, chosen).content.decode()

    assert {name: _selected(body, name) for name in chosen} == {k: [str(v)] for k, v in chosen.items()}
    assert "1 recommendation" in body
    assert _selected(client.get(LIST).content.decode(), "theme") == [""]  # not kept from the last page


def test_renamed_or_new_theme_and_flag_show_on_the_next_page(client, marked):
    assert ">Cooperation</option>" in client.get(LIST).content.decode()
    theme = marked["theme"]
    theme.name = "Judicial cooperation"
    theme.save()
    PriorityFlag.objects.create(name="Gamma priority")

    body = client.get(LIST).content.decode()

    assert ">Judicial cooperation</option>" in body and ">Cooperation</option>" not in body
    assert "Gamma priority — the source</option>" in body


def test_renamed_flag_owner_shows_in_the_flag_options(client, marked, orgs):
    assert "Alpha priority — Registry</option>" in client.get(LIST).content.decode()
    orgs["REGISTRY"].name = "Court Registry"
    orgs["REGISTRY"].save()

    body = client.get(LIST).content.decode()

    assert "Alpha priority — Court Registry</option>" in body


@pytest.mark.parametrize("first_reader", ["court_focal_point", "editor"])
def test_restricted_source_never_reaches_an_outsider_after_a_member_saw_it(request, marked, first_reader):
    member = client_for(request.getfixturevalue(first_reader))
    assert "Quokka sealed review" in member.get(LIST).content.decode()

    for persona in ("outsider", "observer"):
        body = client_for(request.getfixturevalue(persona)).get(LIST).content.decode()
        assert "Quokka sealed review" not in body and "OTP/SEALED" not in body
        assert "Sealed" not in body
    anonymous = request.getfixturevalue("client").get(LIST).content.decode()
    assert "Quokka sealed review" not in anonymous
