from datetime import timedelta

import pytest
from django.utils import timezone

from coopreview.core.history import save_with_history
from coopreview.recommendations.models import PriorityFlag
from coopreview.recommendations.selectors import RecommendationFilters
from coopreview.reports.builders import ReportError, ReportOptions, build_annex, build_sheet

SEED_ORDER = "149 152 272 273 274 275 276 277 278 279 280 281 282 284 285 289 290".split()


def test_annex_groups_the_seed_by_cluster_in_document_order(editor_options):
    report = build_annex(editor_options())

    assert [r.reference for r in report.rows] == SEED_ORDER
    assert report.groups[0].title.startswith("Relationship with the UN")
    assert [r.reference for r in report.groups[0].rows] == ["149", "152"]
    assert report.doc.symbol == "ICC-ASP/19/16"
    by_ref = {r.reference: r for r in report.rows}
    assert [f.name for f in by_ref["274"].flags] == ["Facilitation priority", "IER Annex I priority"]
    assert by_ref["274"].colour == "#F4B183" and by_ref["290"].colour == "#F4B183"
    assert by_ref["275"].colour == "#BDD7EE" and by_ref["149"].colour is None
    assert by_ref["152"].addressee == "Assembly & Court" and by_ref["149"].addressee == "Court"
    assert {f.name for f in report.legend} == {"Facilitation priority", "IER Annex I priority"}


def test_annex_in_french_translates_labels_and_marks_untranslated_texts(editor_options, seed):
    rec = seed["recs"]["274"]
    rec.text_fr = "Le Bureau du Procureur et l'Assemblée devraient envisager des améliorations."
    rec.save()

    report = build_annex(editor_options(lang="fr"))

    by_ref = {r.reference: r for r in report.rows}
    assert dict(report.columns)["text"] == "Recommandation"
    assert by_ref["274"].text.startswith("Le Bureau du Procureur") and not by_ref["274"].untranslated
    assert by_ref["149"].text.startswith("[EN] The Court leadership") and by_ref["149"].untranslated
    assert by_ref["152"].addressee == "Assemblée et Cour"
    assert [f.name for f in by_ref["290"].flags] == ["Priorité de la facilitation"]
    assert report.doc.title == "Annexe — Liste des recommandations"
    assert "novembre" in report.doc.date_text or report.doc.date.month != 11


def test_annex_filters_like_the_list(editor_options, seed):
    flag = PriorityFlag.objects.get(name="Facilitation priority")

    report = build_annex(editor_options(filters=RecommendationFilters(flag=flag)))

    assert [r.reference for r in report.rows] == ["274", "290"]


def test_annex_as_of_shows_texts_and_flags_of_that_date(editor_options, seed):
    rec = seed["recs"]["290"]
    yesterday = timezone.localdate() - timedelta(days=1)
    rec.history.update(history_date=timezone.now() - timedelta(days=2))
    rec.text = "Rewritten today."
    save_with_history(rec, by=seed["editor"], m2m={"priority_flags": []})
    type(rec).objects.filter(pk__in=[r.pk for r in seed["recs"].values()]).update(
        created_at=timezone.now() - timedelta(days=2)
    )

    then = {r.reference: r for r in build_annex(editor_options(as_of=yesterday)).rows}
    now = {r.reference: r for r in build_annex(editor_options()).rows}

    assert then["290"].text.startswith("There is a need for a special operations fund")
    assert [f.name for f in then["290"].flags] == ["Facilitation priority"]
    assert now["290"].text == "Rewritten today." and now["290"].flags == []


def test_outsider_gets_only_public_records(leak_data, outsider, court_focal_point):
    outsider_rows = build_annex(ReportOptions(user=outsider)).rows
    court_rows = build_annex(ReportOptions(user=court_focal_point)).rows

    assert [r.reference for r in outsider_rows] == ["1"]
    assert [r.reference for r in court_rows] == ["1", "2", "3"]  # OTP is named on the restricted one


def test_outsider_cannot_get_a_hidden_sheet_and_the_message_does_not_reveal_it(leak_data, outsider):
    with pytest.raises(ReportError) as hidden:
        build_sheet(ReportOptions(user=outsider, reference="3"))
    with pytest.raises(ReportError) as missing:
        build_sheet(ReportOptions(user=outsider, reference="999"))

    assert "quokkacode" not in str(hidden.value)
    assert str(hidden.value).replace("3", "X") == str(missing.value).replace("999", "X")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": "2020-01-01"}, "no data as of"),
        ({"since": "+1", "as_of": "0"}, "wrong order"),
        ({"as_of": "+3"}, "in the future"),
        ({"filters": RecommendationFilters(q="nothingmatchesthis")}, "No recommendation matches"),
    ],
)
def test_bad_selections_are_refused_with_a_clear_message(editor_options, kwargs, message):
    today = timezone.localdate()
    for key in ("as_of", "since"):
        value = kwargs.get(key)
        if isinstance(value, str) and value.lstrip("+-").isdigit():
            kwargs[key] = today + timedelta(days=int(value))
        elif isinstance(value, str):
            kwargs[key] = timezone.datetime.fromisoformat(value).date()

    with pytest.raises(ReportError, match=message):
        build_annex(editor_options(**kwargs))


def test_sheet_has_the_record_in_full_and_its_history(editor_options, seed):
    report = build_sheet(editor_options(reference="274"))

    facts = {f.label: f.value for f in report.facts}
    assert report.row.text.startswith("The OTP and the ASP should consider improvements")
    assert facts["Priorities"] == "Facilitation priority, IER Annex I priority"
    assert "Office of the Prosecutor" in facts["Addressees"] or "Court" in facts["Addressees"]
    assert report.history and report.history[-1].what == "Created"
