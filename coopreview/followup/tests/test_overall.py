"""The stored overall status (followup.overall), kept by every part write, equals the one computed from
the parts (summary.with_overall_computed) for every persona, after a series of writes through the
services: categorisations, status moves, a part made confidential to the Prosecutor's Office, a lead
changed, an action and a validated update, a recommendation deleted. The rebuild command gives the same
rows as the writes did, and the spans over time the writes kept equal those rebuilt from the history."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from coopreview.followup import past, services, summary
from coopreview.followup.enums import Assessment, Category, Status
from coopreview.followup.models import FollowupPart, OverallSpan, OverallStatus
from coopreview.followup.overall import overall_rebuild, with_overall
from coopreview.recommendations.models import Recommendation

PERSONAS = [None, "outsider", "observer", "court_focal_point", "registry_focal_point", "editor", "admin_user"]


def _stored_and_computed(user) -> tuple[list, list]:
    recs = Recommendation.objects.order_by("pk")
    stored = list(
        with_overall(user=user, recommendations=recs).values_list("pk", "overall_rank", "side_mask")
    )
    computed = list(
        summary.with_overall_computed(user=user, recommendations=recs).values_list(
            "pk", "overall_rank", "side_mask"
        )
    )
    return stored, computed


def _rows() -> list[tuple]:
    return sorted(
        OverallStatus.objects.values_list("recommendation_id", "confidential", "lead_id", "rank", "sides")
    )


@pytest.fixture
def written(recs, orgs, editor, court_focal_point, registry_focal_point):
    """Writes through the services only, as the pages, the API and bulk changes make them."""
    today = datetime.date.today()
    for key, category in (
        ("both", Category.BOTH),
        ("otp", Category.COURT),
        ("assembly", Category.ASSEMBLY),
        ("registry", Category.COURT),
    ):
        cat = services.categorisation_propose(recommendation=recs[key], category=category, by=editor)
        services.categorisation_approve(
            categorisation=cat, by=editor, approved_by="Bureau", approved_on=today
        )
    services.categorisation_propose(recommendation=recs["hidden"], category=Category.COURT, by=editor)
    # 274: the Court part led by the OTP, assessed and kept confidential; the Assembly's part moves on
    court = FollowupPart.objects.get(recommendation=recs["both"], side="court")
    court = services.part_update(
        part=court, by=court_focal_point, lead=orgs["OTP"], assessment=Assessment.POSITIVE, reason="t"
    )
    assembly = FollowupPart.objects.get(recommendation=recs["both"], side="assembly")
    services.part_update(part=assembly, by=editor, assessment=Assessment.POSITIVE)
    services.part_transition(part=assembly, by=editor, status=Status.ASSESSED)
    services.part_transition(part=assembly, by=editor, status=Status.IMPLEMENTED)
    services.part_update(part=court, by=court_focal_point, confidential=True)
    # 272: only a confidential OTP part (hidden entirely from the other organs and the public)
    otp = FollowupPart.objects.get(recommendation=recs["otp"])
    services.part_update(part=otp, by=court_focal_point, lead=orgs["OTP"], confidential=True)
    # 284: not to be pursued; 279: the Registry's part planned through an action
    services.part_transition(
        part=FollowupPart.objects.get(recommendation=recs["assembly"]), by=editor, status=Status.NOT_PURSUED
    )
    registry = FollowupPart.objects.get(recommendation=recs["registry"])
    registry = services.part_update(
        part=registry, by=registry_focal_point, lead=orgs["REGISTRY"], assessment=Assessment.POSITIVE
    )
    services.part_transition(part=registry, by=registry_focal_point, status=Status.ASSESSED)
    action = services.action_create(
        by=registry_focal_point, title="Plan", lead=orgs["REGISTRY"], recommendations=[recs["registry"]]
    )
    update = services.progress_update_create(
        action=action, by=registry_focal_point, text="Begun.", progress=20
    )
    services.progress_update_validate(update=update, by=editor)
    return recs


@pytest.mark.parametrize("persona", PERSONAS)
def test_stored_overall_status_equals_the_computed_one(request, written, persona):
    user = request.getfixturevalue(persona) if persona else AnonymousUser()

    stored, computed = _stored_and_computed(user)

    assert stored == computed
    ranks = {pk: rank for pk, rank, _mask in stored}
    assert ranks[written["registry"].pk] == summary.rank_of(Status.IN_PROGRESS)  # moved by the update
    assert ranks[written["assembly"].pk] == summary.rank_of(Status.NOT_PURSUED)


def test_a_confidential_part_changes_the_overall_status_only_for_its_organ(
    written, court_focal_point, registry_focal_point, outsider
):
    both = written["both"].pk

    seen = {
        name: dict((pk, rank) for pk, rank, _m in _stored_and_computed(user)[0])
        for name, user in (("otp", court_focal_point), ("registry", registry_focal_point), ("out", outsider))
    }

    # the OTP sees its categorised part hold 274 back; the others see only the implemented Assembly part
    assert seen["otp"][both] == summary.rank_of(Status.CATEGORISED)
    assert seen["registry"][both] == seen["out"][both] == summary.rank_of(Status.IMPLEMENTED)
    assert seen["registry"][written["otp"].pk] is None  # 272: its only part is the OTP's, confidential


def test_deleting_a_recommendation_deletes_its_stored_rows(written):
    gone = written["both"].pk

    Recommendation.objects.filter(pk=gone).delete()

    assert not OverallStatus.objects.filter(recommendation_id=gone).exists()
    assert OverallStatus.objects.exists()


def _spans() -> list[tuple]:
    return sorted(
        OverallSpan.objects.values_list(
            "recommendation_id", "confidential", "lead_id", "rank", "start", "end"
        )
    )


def test_spans_kept_by_the_writes_equal_the_rebuilt_ones_and_count_as_the_history(written, request):
    kept = _spans()
    overall_rebuild()
    rebuilt = _spans()
    starts = {s[4] for s in kept}
    moments = sorted(starts | {m - datetime.timedelta(microseconds=1) for m in starts})  # at and just before

    assert kept == rebuilt
    assert len({s[3] for s in kept}) >= 4 and any(s[5] is not None for s in kept)  # statuses moved
    for persona in PERSONAS:
        user = request.getfixturevalue(persona) if persona else AnonymousUser()
        for moment in moments:
            assert past.status_counts_from_spans(user=user, when=moment) == past.status_counts_at(
                user=user, when=moment
            )


def test_rebuild_gives_the_rows_the_writes_kept_and_repairs_a_bypassing_write(written, capsys):
    kept = _rows()
    OverallStatus.objects.all().delete()
    call_command("followup_overall_rebuild")
    rebuilt = _rows()
    FollowupPart.objects.filter(recommendation=written["assembly"]).update(status=Status.IN_PROGRESS)
    stale = _rows()
    overall_rebuild()

    assert rebuilt == kept and len(kept) >= 6
    assert "overall-status rows and" in capsys.readouterr().out
    assert stale == kept  # a write around the services is not seen until the rebuild…
    assert _rows() != kept  # …which repairs it
    stored, computed = _stored_and_computed(AnonymousUser())
    assert stored == computed
