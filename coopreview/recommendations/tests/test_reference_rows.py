"""The edit form checks chosen organisations, themes and flags against per-process copies
(core.reference): a change of a row is seen at once, an unknown id is still refused, and the copy is
read again for a row it does not hold yet."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopreview.core.testing import client_for
from coopreview.recommendations.forms import RecommendationForm
from coopreview.recommendations.models import Recommendation, Theme
from coopreview.recommendations.selectors import THEMES


def _form(source, orgs, **extra) -> RecommendationForm:
    data = {"source": source.pk, "reference": "9", "text": "Text.", "visibility": "public"}
    data["addressees"] = [orgs["ICC"].pk]
    return RecommendationForm({**data, **extra})


def test_a_renamed_theme_is_seen_at_once(db):
    theme = Theme.objects.create(slug="torture", name="Torture")
    assert THEMES.get([theme.pk])[theme.pk].name == "Torture"

    theme.name = "Torture and ill-treatment"
    theme.save()  # post_save: the copy's version moves on

    assert THEMES.get([theme.pk])[theme.pk].name == "Torture and ill-treatment"


def test_a_theme_written_without_signals_is_found_by_reading_again(db):
    THEMES.get([])  # the copy, before the theme exists
    (theme,) = Theme.objects.bulk_create([Theme(slug="arrest", name="Arrest")])

    assert THEMES.get([theme.pk])[theme.pk].name == "Arrest"


def test_callers_get_copies_not_the_shared_rows(db):
    theme = Theme.objects.create(slug="torture", name="Torture")
    THEMES.get([theme.pk])[theme.pk].name = "changed by a request"

    assert THEMES.get([theme.pk])[theme.pk].name == "Torture"


def test_the_form_refuses_an_unknown_choice_with_a_message(orgs, source):
    form = _form(source, orgs, themes=["999999"], restricted_to=["not-a-number"])

    assert not form.is_valid()
    assert "Select a valid choice. 999999 is not one of the available choices." in form.errors["themes"]
    assert "“not-a-number” is not a valid value." in form.errors["restricted_to"]


def test_a_warm_copy_checks_choices_without_a_query(orgs, source):
    theme = Theme.objects.create(slug="torture", name="Torture")
    assert _form(source, orgs, themes=[theme.pk]).is_valid()  # reads the copies

    form = _form(source, orgs, themes=[theme.pk], recommended_by=[orgs["RM"].pk])
    with CaptureQueriesContext(connection) as queries:
        assert form.is_valid(), form.errors

    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "recommendations_theme" not in tables and "accounts_organisation" not in tables
    assert [t.name for t in form.cleaned_data["themes"]] == ["Torture"]


def test_an_index_follow_is_registered_once_per_transaction(db):
    from coopreview.search.backends import tantivy_engine

    backend = tantivy_engine.TantivyBackend()
    with transaction.atomic():
        backend.after_delete([1])
        backend.after_write([1, 2])  # an edit: its old entries deleted, its new ones written
        follows = [f for _s, f, _r in connection.run_on_commit if f is tantivy_engine._follow_after_commit]
        assert len(follows) == 1
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_a_theme_deleted_by_another_server_is_a_message_not_an_error_page(orgs, source, editor):
    """Another server deleted the theme after this process copied it (its cache bump never reached
    us): the form accepts the choice, the foreign key refuses it at commit, the user reads why, and
    nothing is half-written."""
    theme = Theme.objects.create(slug="torture", name="Torture")
    THEMES.get([theme.pk])  # this process's copy holds it
    with connection.cursor() as cursor:  # the other server's delete: no signal here, no cache bump
        cursor.execute("DELETE FROM recommendations_theme WHERE id = %s", [theme.pk])
    data = {"source": source.pk, "reference": "9", "text": "Text.", "visibility": "public", "reason": "new"}
    data |= {"addressees": [orgs["ICC"].pk], "themes": [theme.pk]}

    response = client_for(editor).post(reverse("recommendations:create"), data)

    assert response.status_code == 409
    assert "no longer exists" in response.content.decode()
    assert not Recommendation.objects.filter(reference="9").exists()


def test_a_derived_value_is_built_once_per_copy_and_again_after_a_save(db):
    from coopreview.accounts.selectors import ORGANISATIONS

    theme = Theme.objects.create(slug="t", name="Old")
    built = []

    def build() -> str:
        built.append(1)
        return ",".join(t.name for t in Theme.objects.all())

    first = THEMES.derived("names", build, ORGANISATIONS)
    again = THEMES.derived("names", build, ORGANISATIONS)
    theme.name = "New"
    theme.save()
    after_save = THEMES.derived("names", build, ORGANISATIONS)
    ORGANISATIONS.invalidate()  # a table it also reads
    after_other = THEMES.derived("names", build, ORGANISATIONS)

    assert (first, again, after_save, after_other) == ("Old", "Old", "New", "New")
    assert len(built) == 3
