"""One change applied to many recommendations at once, all or nothing.

A facilitation with hundreds of recommendations sets a status, a lead, a flag, a theme or a
categorisation for a selection in one step. Each record goes through the same single-record service
(and so the same permission and workflow checks) as its own page; each gets one history entry with the
reason. If any record refuses, nothing is written and every refusal is reported with its reason.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopreview.accounts.enums import Role
from coopreview.accounts.models import Membership, Organisation
from coopreview.core.exceptions import ServiceError
from coopreview.followup import services
from coopreview.followup.enums import Category, Status
from coopreview.followup.models import FollowupPart
from coopreview.inbox.enums import Verb
from coopreview.inbox.services import notify
from coopreview.recommendations.models import PriorityFlag, Recommendation, Theme
from coopreview.recommendations.selectors import recommendations_visible_to
from coopreview.recommendations.services import recommendation_update

# Action codes, in the order the form lists them.
ACTIONS = {
    "status": gettext_lazy("Set status"),
    "lead": gettext_lazy("Set lead"),
    "add_flag": gettext_lazy("Add priority flag"),
    "remove_flag": gettext_lazy("Remove priority flag"),
    "add_theme": gettext_lazy("Add theme"),
    "remove_theme": gettext_lazy("Remove theme"),
    "categorise": gettext_lazy("Propose categorisation"),
}
MAX_RECORDS = 1000


@dataclass
class Refusal:
    pk: int
    label: str  # "ICC-ASP/19/16 274", or "#12" for an id the user may not see
    reason: str


class BulkRefused(ServiceError):
    """At least one record refused the change; nothing was written."""

    def __init__(self, refusals: list[Refusal]) -> None:
        self.refusals = refusals
        super().__init__(
            _("%(n)d of the selected recommendations refused the change; nothing was changed.")
            % {"n": len(refusals)}
        )


@dataclass
class BulkResult:
    changed: list[Recommendation]
    unchanged: list[Recommendation]  # already as asked: nothing to record


def _parts_you_may_change(by: User, rec: Recommendation, side: str | None = None) -> list[FollowupPart]:
    return [
        p
        for p in rec.followup_parts.all()
        if (side is None or p.side == side) and by.has_perm("followup.change_part", p)
    ]


def _set_status(rec: Recommendation, *, by: User, value: str, reason: str) -> bool:
    parts = _parts_you_may_change(by, rec)
    if not parts:
        raise ServiceError(_("It has no follow-up part that you act for (categorise it first?)."))
    moved = False
    for part in parts:
        if part.status != value:
            services.part_transition(part=part, status=value, by=by, reason=reason)
            moved = True
    return moved


def _set_lead(rec: Recommendation, *, by: User, value: Organisation, reason: str) -> bool:
    parts = _parts_you_may_change(by, rec, side=value.side)
    if not parts:
        raise ServiceError(
            _("It has no %(side)s part that you act for.") % {"side": value.get_side_display()}
        )
    moved = False
    for part in parts:
        if part.lead_id != value.pk:
            services.part_update(part=part, by=by, reason=reason, lead=value)
            moved = True
    return moved


def _set_links(field: str, add: bool) -> Callable[..., bool]:
    def change(rec: Recommendation, *, by: User, value, reason: str) -> bool:
        # The same permission as the recommendation's edit page (and as a meeting decision's flag).
        if not by.has_perm("recommendations.change_recommendation", rec):
            raise ServiceError(_("You may not change this recommendation's flags or themes."))
        current = set(getattr(rec, field).all())
        wanted = current | {value} if add else current - {value}
        if wanted == current:
            return False
        try:
            recommendation_update(recommendation=rec, by=by, reason=reason, **{field: wanted})
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages)) from exc
        return True

    return change


def _categorise(rec: Recommendation, *, by: User, value: str, reason: str) -> bool:
    current = getattr(rec, "categorisation", None)
    if current is not None and current.category == value:
        return False
    services.categorisation_propose(
        recommendation=rec, category=value, by=by, rationale=reason, reason=reason
    )
    return True


APPLY: dict[str, Callable[..., bool]] = {
    "status": _set_status,
    "lead": _set_lead,
    "add_flag": _set_links("priority_flags", add=True),
    "remove_flag": _set_links("priority_flags", add=False),
    "add_theme": _set_links("themes", add=True),
    "remove_theme": _set_links("themes", add=False),
    "categorise": _categorise,
}


def bulk_value(action: str, raw: str) -> object:
    """The value object for `action` from its submitted form (`raw`); ServiceError names the problem."""
    lookups: dict[str, Callable[[], object]] = {
        "status": lambda: Status(raw),
        "categorise": lambda: Category(raw),
        "lead": lambda: Organisation.objects.exclude(kind="other").get(pk=int(raw)),
        "add_flag": lambda: PriorityFlag.objects.get(pk=int(raw)),
        "remove_flag": lambda: PriorityFlag.objects.get(pk=int(raw)),
        "add_theme": lambda: Theme.objects.get(pk=int(raw)),
        "remove_theme": lambda: Theme.objects.get(pk=int(raw)),
    }
    if action not in lookups:
        raise ServiceError(_("Change: unknown action %(a)s.") % {"a": action})
    try:
        return lookups[action]()
    except (ValueError, TypeError, Organisation.DoesNotExist, PriorityFlag.DoesNotExist, Theme.DoesNotExist):
        raise ServiceError(
            _("Value: %(v)s is not a valid choice for “%(a)s”.") % {"v": raw, "a": ACTIONS[action]}
        ) from None


@transaction.atomic
def recommendations_bulk_change(
    *, ids: Iterable[int], by: User, action: str, value: object, reason: str
) -> BulkResult:
    """Apply `action` with `value` to each recommendation in `ids` through its single-record service.

    Ids the user may not see are refused exactly like ids that do not exist (no leak). Raises BulkRefused
    listing every refused record; the transaction then rolls back, so nothing is half-written."""
    if action not in APPLY:
        raise ServiceError(_("Change: unknown action %(a)s.") % {"a": action})
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Reason: say why these recommendations change; it is kept in their history."))
    wanted = sorted({int(pk) for pk in ids})
    if not wanted:
        raise ServiceError(_("Selection: select at least one recommendation."))
    if len(wanted) > MAX_RECORDS:
        raise ServiceError(
            _("Selection: at most %(max)d recommendations at once (%(n)d selected).")
            % {"max": MAX_RECORDS, "n": len(wanted)}
        )
    records = {
        r.pk: r
        for r in recommendations_visible_to(user=by)
        .filter(pk__in=wanted)
        .select_related("source", "categorisation")
        .prefetch_related(
            "priority_flags",
            "themes",
            Prefetch("followup_parts", queryset=FollowupPart.objects.select_related("addressee", "lead")),
        )
    }
    refusals: list[Refusal] = []
    result = BulkResult(changed=[], unchanged=[])
    for pk in wanted:
        rec = records.get(pk)
        if rec is None:
            refusals.append(Refusal(pk, f"#{pk}", _("Not found, or not visible to you.")))
            continue
        try:
            # A savepoint per record: a refusal leaves the others usable, and the whole rolls back below.
            with transaction.atomic():
                changed = APPLY[action](rec, by=by, value=value, reason=reason)
        except ServiceError as exc:
            refusals.append(Refusal(pk, f"{rec.source.symbol} {rec.reference}", str(exc)))
            continue
        (result.changed if changed else result.unchanged).append(rec)
    if refusals:
        raise BulkRefused(refusals)
    _notify_leads(result.changed, by=by, action=action, reason=reason)
    return result


def _notify_leads(changed: list[Recommendation], *, by: User, action: str, reason: str) -> None:
    """Tell the members of each organisation leading a changed recommendation's part (observers and the
    person who made the change aside): one notification per person with how many of theirs changed."""
    if not changed:
        return
    leads = FollowupPart.objects.filter(recommendation__in=changed).values_list(
        "lead_id", "recommendation_id"
    )
    recs_by_org: dict[int, set[int]] = {}
    for org, rec in leads:
        recs_by_org.setdefault(org, set()).add(rec)
    per_user: dict[int, tuple[User, set[int]]] = {}
    members = Membership.objects.filter(organisation_id__in=recs_by_org, user__is_active=True).exclude(
        role=Role.OBSERVER
    )
    for m in members.select_related("user"):
        per_user.setdefault(m.user_id, (m.user, set()))[1].update(recs_by_org[m.organisation_id])
    for user, recs in per_user.values():
        notify(
            recipients=[user],
            verb=Verb.BULK_CHANGE,
            target=f"{ACTIONS[action]} — {reason}",
            count=len(recs),
            url=reverse("inbox:my-work"),
            actor=by,
        )
