from unittest import mock

import pytest
from django.apps import apps
from django.db.models import F

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.core.exceptions import ServiceError
from coopreview.importers import names, organisations, services
from coopreview.importers.conftest import SEED, UPR
from coopreview.importers.models import NameMapping, UnmatchedName
from coopreview.importers.organisations import OrganisationResolver
from coopreview.importers.parsers.base import ParsedRecord, ParseResult
from coopreview.recommendations.models import PriorityFlag, Recommendation, Section, Source

pytestmark = pytest.mark.django_db


def _plan(path, **kw):
    used, result = services.parse_file(path, file=path.name)
    return services.build_plan(result=result, file=path.name, format=used, **kw)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Court", "ICC"),
        ("Assembly", "ASP"),
        ("OTP", "OTP"),
        ("Office of the Prosecutor", "OTP"),
        ("Bureau du Procureur", "OTP"),
        ("Sénégal", "SEN"),
        ("Albania", "ALB"),
        ("Republic of Korea", "KOR"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Allemagne", "DEU"),
        ("United States", "USA"),
    ],
)
def test_names_resolve_to_organisations(orgs, name, code):
    ref = OrganisationResolver().resolve(name)
    assert ref is not None and ref.code == code
    assert (ref.pk is not None) == (code in orgs)


def test_unknown_name_is_not_resolved(orgs):
    assert OrganisationResolver().resolve("Ministry of Magic") is None


def test_seed_annex_import_creates_17_records_with_history_reason(orgs, editor):
    plan = _plan(SEED, source="ICC-ASP/19/16", mark_flag="Facilitation priority")
    assert plan.counts == {"new": 17, "changed": 0, "unchanged": 0, "problems": 0, "warnings": 0}

    counts = services.plan_apply(plan=plan, by=editor)

    assert counts == {"new": 17, "changed": 0}
    r274 = Recommendation.objects.get(source__symbol="ICC-ASP/19/16", reference="274")
    assert sorted(o.code for o in r274.addressees.all()) == ["ASP", "ICC"]
    assert [f.name for f in r274.priority_flags.all()] == ["Facilitation priority"]
    assert r274.section.title == "In relation with OTP cooperation for collection of evidence"
    record = r274.history.latest()
    assert record.history_change_reason == f"Imported from {SEED.name}"
    assert record.history_user == editor
    assert Recommendation.objects.filter(priority_flags__name="Facilitation priority").count() == 2


def test_reimport_shows_per_field_diff_and_keeps_flags_the_file_does_not_speak_about(orgs, editor, tmp_path):
    services.plan_apply(plan=_plan(SEED, source="ICC-ASP/19/16"), by=editor)
    other = services.rec_services.priority_flag_get_or_create(name="IER Annex I priority")
    r275 = Recommendation.objects.get(reference="275")
    r275.priority_flags.add(other)

    edited = tmp_path / "annex.txt"
    edited.write_text(SEED.read_text().replace("Migration.", "Migration (IOM)."), encoding="utf-8")
    plan = _plan(edited, source="ICC-ASP/19/16")

    assert plan.counts["changed"] == 1 and plan.counts["unchanged"] == 16
    (changed,) = [r for r in plan.records if r.status == "changed"]
    assert changed.reference == "275"
    assert [(c.field, c.old[-10:], c.new[-16:]) for c in changed.changes] == [
        ("text", "Migration.", "Migration (IOM).")
    ]
    services.plan_apply(plan=plan, by=editor)
    r275.refresh_from_db()
    assert r275.text.endswith("Migration (IOM).")
    assert [f.name for f in r275.priority_flags.all()] == ["IER Annex I priority"]


def test_apply_is_all_or_nothing(orgs, editor):
    plan = _plan(SEED, source="ICC-ASP/19/16")

    # The records and their links are written; the history (the last step) fails.
    with mock.patch.object(services.bulk, "history_m2m_copy", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            services.plan_apply(plan=plan, by=editor)

    assert Recommendation.objects.count() == 0
    assert Recommendation.addressees.through.objects.count() == 0
    assert not Source.objects.filter(symbol="ICC-ASP/19/16").exists()


def test_apply_writes_one_history_row_per_record_naming_the_file_with_links(orgs, editor):
    plan = _plan(SEED, source="ICC-ASP/19/16")

    counts = services.plan_apply(plan=plan, by=editor)

    assert counts == {"new": 17, "changed": 0}
    history = Recommendation.history.all()
    assert history.count() == 17
    assert {h.history_change_reason for h in history} == {f"Imported from {SEED.name}"}
    assert {h.history_user for h in history} == {editor}
    rec = Recommendation.objects.filter(addressees__isnull=False).first()
    record = rec.history.get()
    assert sorted(r.organisation_id for r in record.addressees.all()) == sorted(
        o.pk for o in rec.addressees.all()
    )


def test_reapplying_a_changed_file_updates_in_bulk_with_history(orgs, editor, files):
    first = files.csv("a.csv", [["Reference", "Text"], ["R1", "First."], ["R2", "Second."]])
    services.plan_apply(plan=_plan(first, source="X/1"), by=editor)
    second = files.csv("b.csv", [["Reference", "Text"], ["R1", "First, corrected."], ["R2", "Second."]])

    counts = services.plan_apply(plan=_plan(second, source="X/1"), by=editor)

    assert counts == {"new": 0, "changed": 1}
    rec = Recommendation.objects.get(reference="R1")
    assert rec.text == "First, corrected."
    assert [h.history_change_reason for h in rec.history.order_by("history_id")] == [
        "Imported from a.csv",
        "Imported from b.csv",
    ]
    assert Recommendation.objects.get(reference="R2").history.count() == 1


def test_blocking_problems_refuse_the_apply_and_write_nothing(orgs, editor, files):
    path = files.csv("dup.csv", [["Reference", "Text"], ["R1", "First."], ["R1", "Again."]])
    plan = _plan(path, source="X/1")
    with pytest.raises(services.ImportRefused, match=r"dup.csv: 1 problem\(s\) must be fixed first.*row 3"):
        services.plan_apply(plan=plan, by=editor)
    assert Recommendation.objects.count() == 0


def test_unknown_name_is_listed_kept_as_text_and_mapped_once_for_later_imports(orgs, files, editor):
    rows = [
        ["Reference", "Text", "Addressee", "Recommended by"],
        ["R1", "Do it.", "Ministry of Magic", "kyrgysztan"],
        ["R2", "Do that.", "Court", "Kyrgysztan; NA"],
    ]
    path = files.csv("who.csv", rows)

    plan = _plan(path, source="X/1")
    services.plan_apply(plan=plan, by=editor)

    assert [(str(p.place), p.reason, p.blocking) for p in plan.problems] == [
        ("who.csv, row 2", "“Ministry of Magic” is not a known organisation or State (1 place); "
         "kept as text on the record until it is mapped.", False),
        ("who.csv, row 2", "“kyrgysztan” is not a known organisation or State (2 places); "
         "kept as text on the records until it is mapped.", False),
    ]  # fmt: skip
    unknown = {u["name"]: u for u in plan.meta["unknown_names"]}
    assert unknown["kyrgysztan"]["proposals"] == [{"code": "KGZ", "label": "Kyrgyzstan"}]
    assert unknown["kyrgysztan"]["places"] == ["who.csv, row 2", "who.csv, row 3"]
    assert unknown["Ministry of Magic"]["proposals"] == []
    r1, r2 = Recommendation.objects.order_by("reference")
    assert list(r1.unmatched_names.values_list("role", "name")) == [
        ("addressees", "Ministry of Magic"),
        ("recommended_by", "kyrgysztan"),
    ]
    assert [o.code for o in r2.addressees.all()] == ["ICC"] and not r2.recommended_by.exists()

    organisations.name_mapping_confirm(name="kyrgysztan", code="KGZ", by=editor)

    assert [o.code for o in r2.recommended_by.all()] == ["KGZ"]
    assert list(r1.unmatched_names.values_list("name", flat=True)) == ["Ministry of Magic"]
    again = _plan(files.csv("again.csv", rows[:1] + [["R3", "More.", "Court", "KYRGYSZTAN"]]), source="X/1")
    assert again.problems == [] and again.records[0].values["recommended_by"][0].code == "KGZ"
    assert NameMapping.objects.get().history.first().history_user == editor


def test_name_mapping_to_an_unknown_code_is_refused(orgs):
    with pytest.raises(ServiceError, match="“ZZZ” is not a known organisation or State code"):
        organisations.name_mapping_confirm(name="Atlantis", code="ZZZ")
    assert not NameMapping.objects.exists()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("unitedstatesofamerica", "USA"), ("cotedivoire", "CIV"), ("Côte d’Ivoire", "CIV"),
        ("Norway;", "NOR"),
        ("USA", "USA"), ("UK", "GBR"), ("DRC", "COD"), ("FR", "FRA"), ("DEU", "DEU"), ("Royaume-Uni", "GBR"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"), ("Viet Nam", "VNM"),
        ("Iran (Islamic Republic of)", "IRN"), ("SriLanka", "LKA"), ("États-Unis d’Amérique", "USA"),
    ],
)  # fmt: skip
def test_state_names_match_ignoring_case_spaces_punctuation_and_accents(written, code):
    assert names.state_code(written) == code


@pytest.mark.parametrize("written", ["NA", "N/A", "None", "-", "n.a."])
def test_none_values_name_no_one(written):
    assert names.split_organisations(written) == []


def test_near_misses_are_proposals_not_matches():
    assert names.state_code("kyrgysztan") is None
    assert names.near_states("kyrgysztan") == ("KGZ",)
    assert names.near_states("Centeral African Republic") == ("CAF",)
    assert names.near_states("moratorium") == ()


def test_no_source_is_a_problem(orgs, files):
    path = files.csv("nosrc.csv", [["Reference", "Text"], ["R1", "Do it."]])
    plan = _plan(path)
    assert [(str(p.place), p.reason) for p in plan.problems] == [
        ("nosrc.csv", "1 recommendation has no source: choose the source (document symbol) of the file.")
    ]


def test_upr_pdf_import_creates_missing_states_as_non_parties(orgs, editor):
    plan = _plan(UPR / "albania2010.pdf")
    assert plan.counts["new"] == 106 and not plan.blocking
    services.plan_apply(plan=plan, by=editor)

    source = Source.objects.get(symbol="A/HRC/13/6")
    r = Recommendation.objects.get(source=source, reference="67.1")
    assert [o.code for o in r.addressees.all()] == ["ALB"]
    canada = Organisation.objects.get(code="CAN")
    assert (canada.kind, canada.is_state_party, canada.name_fr) == (OrganisationKind.STATE, False, "Canada")
    assert list(r.recommended_by.all()) == [canada]
    assert Organisation.objects.get(code="ALB").is_state_party  # existing rows untouched
    korea = Organisation.objects.get(code="KOR")
    assert korea.name == "Republic of Korea"  # as the document prints it


def test_oversized_file_is_refused(files):
    path = files.csv("big.csv", [["Reference", "Text"], ["R1", "x" * 5000]])
    with pytest.raises(services.ImportRefused, match="big.csv: the file is larger than"):
        services.parse_file(path, file="big.csv", max_bytes=1000)


def test_flags_created_by_name(orgs, editor, files):
    path = files.csv(
        "f.csv", [["Reference", "Text", "Priority flags"], ["R1", "Do it.", "Urgent; Facilitation"]]
    )
    services.plan_apply(plan=_plan(path, source="X/1"), by=editor)
    assert sorted(PriorityFlag.objects.values_list("name", flat=True)) == ["Facilitation", "Urgent"]


def test_addendum_updates_the_responses_of_known_references(orgs, editor, files):
    report = files.pdf(
        "report.pdf",
        """<html><body><p>A/HRC/99/1</p>
        <p>115. The following recommendations will be examined by Slovenia,
        which will respond in due time:</p>
        <p>115.1 Ratify the Rome Statute amendments (Croatia);</p>
        <p>115.2 Cooperate with the Court (France);</p>
        <p>115.3 Adopt implementing legislation (Senegal);</p></body></html>""",
    )
    services.plan_apply(plan=_plan(report), by=editor)
    addendum = files.pdf(
        "addendum.pdf",
        """<html><body><p>A/HRC/99/1/Add.1</p>
        <p>1. Slovenia supports recommendations 115.1 and 115.2 to 115.3.</p>
        <p>2. Recommendation 115.9 is noted.</p></body></html>""",
    )
    plan = _plan(addendum)

    assert plan.meta["symbol"] == "A/HRC/99/1"
    assert {r.reference: [(c.field, c.old, c.new) for c in r.changes] for r in plan.records} == {
        "115.1": [("response", "Will be examined", "Supported")],
        "115.2": [("response", "Will be examined", "Supported")],
        "115.3": [("response", "Will be examined", "Supported")],
    }
    assert [p.reason for p in plan.problems] == [
        "reference 115.9 is not in A/HRC/99/1; import the report before its addendum"
    ]
    services.plan_apply(
        plan=services.ImportPlan(file=plan.file, format=plan.format, records=plan.records), by=editor
    )
    r = Recommendation.objects.get(reference="115.2")
    assert r.response == "supported" and r.text == "Cooperate with the Court"


def test_applied_records_are_in_the_search_index_after_the_commit(orgs, editor):
    from coopreview.search.models import Kind, SearchEntry

    services.plan_apply(plan=_plan(SEED, source="ICC-ASP/19/16"), by=editor)

    indexed = set(SearchEntry.objects.filter(kind=Kind.RECOMMENDATION).values_list("object_id", flat=True))
    assert indexed == set(Recommendation.objects.values_list("pk", flat=True))
    entry = SearchEntry.objects.filter(kind=Kind.RECOMMENDATION, language="en").first()
    assert entry.title.startswith("ICC-ASP/19/16 — ")


BULK_ROWS = 2_500  # more than bulk.BATCH records: the apply writes them in two batches


def _bulk_plan(suffix: str = "", *, file: str = "big.xlsx") -> services.ImportPlan:
    records = [
        ParsedRecord(
            reference=f"{i // 100 + 1}.{i % 100 + 1}",
            text=f"Recommendation {i}{suffix}.",
            section=[f"Cluster {i // 1000 + 1}", f"Section {i // 250 + 1}"],
            addressees=["Albania"],
            # Canada is created by the import; Atlantis matches nothing and is kept as text.
            recommended_by=["France", "Senegal"]
            if i % 2
            else ["Canada"] + (["Atlantis"] if i % 100 == 0 else []),
            response="supported" if i % 2 else "noted",
            priority_flags=["Priority"] if i % 17 == 0 else [],
        )
        for i in range(BULK_ROWS)
    ]
    result = ParseResult(records=records, meta={"symbol": "BULK/1"})
    return services.build_plan(result=result, file=file, format="xlsx")


def _snapshots_match_links(history_type: str) -> None:
    """Every historical record of `history_type` has the many-to-many snapshot of its record's links."""
    for name in services.bulk.M2M:
        field = Recommendation._meta.get_field(name)
        target = field.m2m_reverse_name()
        links = set(field.remote_field.through.objects.values_list("recommendation_id", target))
        snapshot = apps.get_model("recommendations", f"HistoricalRecommendation_{name}").objects.filter(
            history__history_type=history_type
        )
        assert set(snapshot.values_list("recommendation_id", target)) == links, name
        assert snapshot.count() == len(links), name
        assert not snapshot.exclude(history__id=F("recommendation_id")).exists(), name


def test_bulk_apply_writes_one_history_row_per_record_naming_the_file(orgs, editor):
    counts = services.plan_apply(plan=_bulk_plan(), by=editor, reindex=False)

    assert counts == {"new": BULK_ROWS, "changed": 0}
    history = Recommendation.history.all()
    assert history.count() == BULK_ROWS
    assert history.values("id").distinct().count() == BULK_ROWS  # exactly one per record
    assert set(history.values_list("history_change_reason", "history_type", "history_user_id")) == {
        ("Imported from big.xlsx", "+", editor.pk)
    }
    assert set(history.values_list("id", "text", "section_id", "response")) == set(
        Recommendation.objects.values_list("id", "text", "section_id", "response")
    )
    _snapshots_match_links("+")
    assert Recommendation.objects.filter(recommended_by__code="CAN").count() == BULK_ROWS // 2
    kept = UnmatchedName.objects.filter(name="Atlantis", role="recommended_by")
    assert kept.count() == BULK_ROWS // 100
    assert (
        UnmatchedName.history.filter(history_type="+", history_change_reason="import").count() == kept.count()
    )

    counts = services.plan_apply(plan=_bulk_plan(" (revised)", file="big-2.xlsx"), by=editor, reindex=False)

    assert counts == {"new": 0, "changed": BULK_ROWS}
    changed = Recommendation.history.filter(history_type="~")
    assert changed.count() == BULK_ROWS and changed.values("id").distinct().count() == BULK_ROWS
    assert set(changed.values_list("history_change_reason", flat=True)) == {"Imported from big-2.xlsx"}
    assert set(changed.values_list("id", "text")) == set(Recommendation.objects.values_list("id", "text"))
    assert Recommendation.objects.filter(text__endswith="(revised).").count() == BULK_ROWS
    _snapshots_match_links("~")


def _failing_on_second_batch(calls: list[int]):
    real = services.bulk.history_m2m_copy

    def fail(ids, **kwargs):
        calls.append(len(ids))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(ids, **kwargs)

    return fail


def test_a_failure_in_the_middle_of_a_bulk_apply_leaves_nothing_written(orgs, editor):
    calls: list[int] = []
    with mock.patch.object(services.bulk, "history_m2m_copy", side_effect=_failing_on_second_batch(calls)):
        with pytest.raises(RuntimeError, match="disk full"):
            services.plan_apply(plan=_bulk_plan(), by=editor, reindex=False)

    assert calls == [2000, 500]  # the first batch was written in full before the failure
    assert not Source.objects.filter(symbol="BULK/1").exists()
    assert Recommendation.objects.count() == 0 and Recommendation.history.count() == 0
    assert not Section.objects.exists() and not Organisation.objects.filter(code="CAN").exists()
    assert not UnmatchedName.objects.exists() and not UnmatchedName.history.exists()
    for name in services.bulk.M2M:
        assert not Recommendation._meta.get_field(name).remote_field.through.objects.exists()
        assert not apps.get_model("recommendations", f"HistoricalRecommendation_{name}").objects.exists()

    services.plan_apply(plan=_bulk_plan(), by=editor, reindex=False)
    calls.clear()
    with mock.patch.object(services.bulk, "history_m2m_copy", side_effect=_failing_on_second_batch(calls)):
        with pytest.raises(RuntimeError, match="disk full"):
            services.plan_apply(plan=_bulk_plan(" (revised)"), by=editor, reindex=False)

    assert calls == [2000, 500]
    assert not Recommendation.objects.filter(text__endswith="(revised).").exists()
    assert Recommendation.history.count() == BULK_ROWS and not Recommendation.history.filter(history_type="~")
    _snapshots_match_links("+")


def test_a_long_file_name_is_cut_to_fit_the_history_reason(orgs, editor, files):
    path = files.csv("r" * 150 + ".csv", [["Reference", "Text"], ["R1", "First."]])

    services.plan_apply(plan=_plan(path, source="X/1"), by=editor)

    reason = Recommendation.objects.get(reference="R1").history.get().history_change_reason
    assert reason.startswith("Imported from rrrr") and reason.endswith("…") and len(reason) == 100
