"""Demo follow-up on the seed annex's 17 recommendations (called by `coopreview demo`). Idempotent.

Everything it writes is marked as demo content ("[demo]" titles, "Demo" reasons in the history)."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from coopreview.accounts.enums import Side
from coopreview.accounts.models import Organisation
from coopreview.followup import services
from coopreview.followup.enums import Assessment, Budgetary, Category, Status
from coopreview.followup.models import Action, Categorisation, FollowupPart, StakeholderView
from coopreview.recommendations.models import PriorityFlag, Recommendation

SOURCE = "ICC-ASP/19/16"
APPROVED = {"149", "152", "272", "273", "274", "275", "276", "277", "278"}
FACILITATION_VIEW = (
    "All the recommendations warrant being examined in the context of facilitation (demo, after the "
    "co-facilitators' letter)."
)
ACTION_TITLE = "[demo] Guidelines on the OTP's cooperation for the collection of evidence"


def _category(rec: Recommendation) -> str:
    sides = {o.side for o in rec.addressees.all()}
    if {Side.COURT, Side.ASSEMBLY} <= sides:
        return Category.BOTH
    return Category.ASSEMBLY if Side.ASSEMBLY in sides else Category.COURT


@transaction.atomic
def load_demo() -> dict[str, int]:
    names = ["editor", "facilitator", "court", "admin"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    recs = list(
        Recommendation.objects.filter(source__symbol=SOURCE).prefetch_related("addressees", "priority_flags")
    )
    if len(users) < 4 or not recs:
        return {"categorised": 0}
    editor, facilitator, court = users["editor"], users["facilitator"], users["court"]
    fac = Organisation.objects.get(code="FAC-COOP")
    fac_flag = PriorityFlag.objects.filter(name="Facilitation priority").first()
    created = 0
    for rec in recs:
        if Categorisation.objects.filter(recommendation=rec).exists():
            continue
        cat = services.categorisation_propose(
            recommendation=rec,
            category=_category(rec),
            by=editor,
            rationale="Demo: proposed by the Review Mechanism from the addressees in the annex.",
        )
        if rec.reference in APPROVED:
            services.categorisation_approve(
                categorisation=cat,
                by=editor,
                approved_by="Bureau of the Assembly",
                approved_on=date(2021, 6, 28),
                approved_in="Bureau, 9th meeting (demo)",
            )
        created += 1
    for rec in recs:
        if StakeholderView.objects.filter(recommendation=rec, organisation=fac).exists():
            continue
        flagged = any(f.name == "Facilitation priority" for f in rec.priority_flags.all())
        services.stakeholder_view_record(
            recommendation=rec,
            organisation=fac,
            by=facilitator,
            category=Category.BOTH,
            position="To be discussed in the facilitation",
            rationale=FACILITATION_VIEW,
            priority_flag=fac_flag if flagged else None,
        )
    rec274 = next((r for r in recs if r.reference == "274"), None)
    rec275 = next((r for r in recs if r.reference == "275"), None)
    if rec274 is None or Action.objects.filter(title=ACTION_TITLE).exists():
        return {"categorised": created}
    part = FollowupPart.objects.get(recommendation=rec274, side=Side.COURT)
    services.part_update(
        part=part,
        by=court,
        reason="Demo",
        assessment=Assessment.POSITIVE,
        budgetary=Budgetary.NO,
        narrative="[demo] The Office agrees and will issue internal guidelines within existing resources.",
        lead=Organisation.objects.get(code="OTP"),
    )
    services.part_transition(part=part, by=court, status=Status.ASSESSED, reason="Demo: assessed by the OTP")
    assembly = FollowupPart.objects.filter(recommendation=rec274, side=Side.ASSEMBLY).first()
    if assembly is not None:
        services.part_update(
            part=assembly,
            by=facilitator,
            reason="Demo",
            assessment=Assessment.FURTHER_CONSIDERATION,
            budgetary=Budgetary.UNKNOWN,
            narrative="[demo] To be discussed in the facilitation on cooperation.",
            lead=fac,
        )
    today = timezone.localdate()
    action = services.action_create(
        by=court,
        title=ACTION_TITLE,
        description="[demo] Draft, consult the Registry, adopt.",
        lead=Organisation.objects.get(code="OTP"),
        recommendations=[r for r in (rec274, rec275) if r is not None],
        start=today - timedelta(days=60),
        due=today + timedelta(days=10),
    )
    update = services.progress_update_create(
        action=action, by=court, text="[demo] A first draft was circulated to the Registry.", progress=30
    )
    services.progress_update_validate(update=update, by=editor)
    return {"categorised": created}
