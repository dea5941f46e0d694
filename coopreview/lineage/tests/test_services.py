import pytest

from coopreview.lineage import selectors, services
from coopreview.lineage.enums import LinkType
from coopreview.lineage.models import DuplicateGroup, Link, RejectedPair
from coopreview.lineage.selectors import LineageError


def test_link_create_records_who_why_and_history(editor, sets):
    link = services.link_create(
        by=editor,
        from_pk=sets["new_opcat"].pk,
        to_pk=sets["old_opcat"].pk,
        link_type="duplicates",
        reason="Same ask",
    )

    assert link.confirmed_by == editor and link.reason == "Same ask"
    assert link.history.count() == 1 and link.history.first().history_user == editor


def test_link_to_itself_is_refused_and_nothing_saved(editor, sets):
    with pytest.raises(LineageError, match="itself"):
        services.link_create(
            by=editor, from_pk=sets["old_crpd"].pk, to_pk=sets["old_crpd"].pk, link_type="duplicates"
        )

    assert Link.objects.count() == 0


def test_duplicate_that_also_supersedes_is_contradictory(editor, sets):
    a, b = sets["new_opcat"], sets["old_opcat"]
    services.link_create(by=editor, from_pk=a.pk, to_pk=b.pk, link_type="duplicates")

    with pytest.raises(LineageError, match="Contradictory link.*duplicates"):
        services.link_create(by=editor, from_pk=b.pk, to_pk=a.pk, link_type="supersedes")
    assert Link.objects.count() == 1


def test_supersedes_cycle_is_refused(editor, sets):
    a, b, c = sets["new_opcat"], sets["old_opcat"], sets["old_crpd"]
    services.link_create(by=editor, from_pk=a.pk, to_pk=b.pk, link_type="supersedes")
    services.link_create(by=editor, from_pk=b.pk, to_pk=c.pk, link_type="supersedes")

    with pytest.raises(LineageError, match="cycle"):
        services.link_create(by=editor, from_pk=c.pk, to_pk=a.pk, link_type="supersedes")
    assert Link.objects.count() == 2


def test_unknown_link_type_is_named(editor, sets):
    with pytest.raises(LineageError, match="Unknown link type: twin"):
        services.link_create(
            by=editor, from_pk=sets["new_opcat"].pk, to_pk=sets["old_opcat"].pk, link_type="twin"
        )


def test_link_to_hidden_record_reads_like_missing_record(facilitator, sets):
    with pytest.raises(LineageError) as hidden:
        services.link_create(
            by=facilitator, from_pk=sets["old_opcat"].pk, to_pk=sets["hidden"].pk, link_type="duplicates"
        )
    with pytest.raises(LineageError) as missing:
        services.link_create(
            by=facilitator, from_pk=sets["old_opcat"].pk, to_pk=999999, link_type="duplicates"
        )

    assert str(hidden.value).replace(str(sets["hidden"].pk), "N") == str(missing.value).replace("999999", "N")
    assert Link.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "observer", "state_focal_point"])
def test_non_reviewers_may_not_link(request, sets, persona):
    with pytest.raises(LineageError, match="may not"):
        services.link_create(
            by=request.getfixturevalue(persona),
            from_pk=sets["new_opcat"].pk,
            to_pk=sets["old_opcat"].pk,
            link_type="duplicates",
        )


def test_rejected_pair_is_never_suggested_again(editor, sets):
    queries = type(sets["new_opcat"]).objects.filter(pk=sets["new_opcat"].pk)
    first = selectors.suggestions(user=editor, queries=queries, target=sets["old"])
    assert first[0].candidate == sets["old_opcat"]

    services.suggestion_reject(by=editor, a_pk=sets["old_opcat"].pk, b_pk=sets["new_opcat"].pk, reason="no")
    again = selectors.suggestions(user=editor, queries=queries, target=sets["old"])

    assert RejectedPair.objects.count() == 1
    assert sets["old_opcat"] not in [s.candidate for s in again]


def test_confirmed_pair_is_not_suggested_again(editor, sets):
    queries = type(sets["new_opcat"]).objects.filter(pk=sets["new_opcat"].pk)
    services.link_create(
        by=editor, from_pk=sets["new_opcat"].pk, to_pk=sets["old_opcat"].pk, link_type="duplicates"
    )

    found = selectors.suggestions(user=editor, queries=queries, target=sets["old"])

    assert sets["old_opcat"] not in [s.candidate for s in found]


def test_import_is_all_or_nothing_and_names_the_row(editor, sets):
    rows = [
        {"from_id": sets["new_opcat"].pk, "to_id": sets["old_opcat"].pk, "link_type": "duplicates"},
        {"from_id": sets["new_nhri"].pk, "to_id": sets["new_nhri"].pk, "link_type": "duplicates"},
    ]

    with pytest.raises(LineageError, match="Row 2: A recommendation cannot be linked to itself"):
        services.links_import(by=editor, rows=rows)
    assert Link.objects.count() == 0


def test_duplicate_groups_cluster_same_ask_with_representative(editor, sets):
    groups = services.duplicate_groups_build(by=editor, source=sets["old"])

    members = [{m.recommendation.reference for m in g.members.all()} for g in groups]
    assert {"67.2", "67.3"} in members
    assert all("67.5" not in m for m in members)  # another addressee, another ask
    group = next(
        g for g in groups if {m.recommendation.reference for m in g.members.all()} == {"67.2", "67.3"}
    )
    assert group.representative.reference in {"67.2", "67.3"}


def test_split_and_merge_groups_keep_history(editor, sets):
    group = next(iter(services.duplicate_groups_build(by=editor, source=sets["old"], threshold=0.0)))
    refs = list(group.members.values_list("recommendation_id", flat=True))
    assert len(refs) >= 2

    new = services.duplicate_group_split(
        by=editor, group_id=group.pk, recommendation_ids=[refs[-1]], reason="different ask"
    )
    merged = services.duplicate_groups_merge(by=editor, group_ids=[group.pk, new.pk], reason="same after all")

    assert merged.members.count() == len(refs)
    assert DuplicateGroup.objects.filter(pk=new.pk).count() == 0
    assert merged.history.filter(history_change_reason="same after all").exists()


def test_split_refuses_taking_every_member(editor, sets):
    group = services.duplicate_groups_build(by=editor, source=sets["old"], threshold=0.0)[0]
    ids = list(group.members.values_list("recommendation_id", flat=True))

    with pytest.raises(LineageError, match="some, not all"):
        services.duplicate_group_split(by=editor, group_id=group.pk, recommendation_ids=ids)


def test_link_types_cover_the_issue():
    assert set(LinkType.values) == {"duplicates", "overlaps", "builds_on", "supersedes", "implemented_by"}
