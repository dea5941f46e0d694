"""A follow-up corpus of any size for query-count tests: recommendations in every access layer,
categorised (parts), half of them assessed, one action with a validated update per five, and a
confirmed link from each recommendation of a newer source to one of an older source."""

import datetime

from coopreview.followup import services
from coopreview.followup.enums import Assessment, Budgetary, Category, Status
from coopreview.followup.models import FollowupPart
from coopreview.lineage.services import link_create
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation, Source

# The readers the equality tests of the stored figures run as (fixture names; None: anonymous): every
# access layer, both lead scopes of a confidential part, editors and administrators.
PERSONAS = [
    None,
    "outsider",
    "observer",
    "state_focal_point",
    "court_focal_point",
    "registry_focal_point",
    "editor",
    "admin_user",
]


def build(*, n: int, orgs, editor, court) -> dict:
    """`n` recommendations in each of two sources (the older one is the implementation review's)."""
    old = Source.objects.create(symbol="OLD/1", title="Older review", date=datetime.date(2019, 1, 1))
    new = Source.objects.create(symbol="NEW/1", title="Newer review", date=datetime.date(2023, 1, 1))
    layers = [Visibility.PUBLIC, Visibility.PUBLIC, Visibility.MEMBERS, Visibility.RESTRICTED]
    today = datetime.date.today()
    made = {"old": [], "new": []}
    for i in range(n):
        for name, source in (("old", old), ("new", new)):
            visibility = layers[i % len(layers)]
            rec = Recommendation.objects.create(
                source=source,
                reference=f"{i + 1}",
                text=f"Strengthen cooperation on witness protection, item {i} ({name}).",
                visibility=visibility,
            )
            rec.addressees.set([orgs["OTP"], orgs["ASP"]])
            if visibility == Visibility.RESTRICTED:
                rec.restricted_to.set([orgs["OTP"]])
            made[name].append(rec)
    for i, rec in enumerate(made["old"]):
        cat = services.categorisation_propose(recommendation=rec, category=Category.BOTH, by=editor)
        if i % 2 == 0:
            services.categorisation_approve(
                categorisation=cat, by=editor, approved_by="Bureau", approved_on=today
            )
            part = FollowupPart.objects.get(recommendation=rec, addressee=orgs["OTP"])
            services.part_update(
                part=part,
                by=court,
                reason="test",
                assessment=Assessment.POSITIVE,
                budgetary=Budgetary.NO,
                narrative="Will do.",
                lead=orgs["OTP"],
            )
            services.part_transition(part=part, by=court, status=Status.ASSESSED, reason="test")
        if i % 5 == 0:
            action = services.action_create(
                by=court,
                title=f"Action {i}",
                lead=orgs["OTP"],
                recommendations=[rec],
                start=today - datetime.timedelta(days=10),
                due=today + datetime.timedelta(days=20 + i),
            )
            update = services.progress_update_create(action=action, by=court, text="Started.", progress=20)
            services.progress_update_validate(update=update, by=editor)
    for old_rec, new_rec in zip(made["old"], made["new"], strict=True):
        link_create(by=editor, from_pk=new_rec.pk, to_pk=old_rec.pk, link_type="builds_on", reason="test")
    return {"old": old, "new": new, "old_recs": made["old"], "new_recs": made["new"]}
