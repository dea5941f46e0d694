"""The list of changes as it was computed before issue #17 (every change of the period built in Python,
the reader's layers read through PastLayers): the reference the database paging (followup.changes) must
equal, row for row. Kept for the tests only."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from coopreview.accounts.display import user_display_name
from coopreview.accounts.layers import PastLayers
from coopreview.accounts.selectors import AnyUser
from coopreview.core.history import withheld
from coopreview.followup.models import Action, Categorisation, FollowupPart, ProgressUpdate, StakeholderView
from coopreview.followup.selectors import (
    Change,
    _display,
    _hidden_part_ids,
    _rec_ids,
    actions_visible_to,
    end_of_day,
    updates_visible_to,
)
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import recommendations_visible_to


def changes_between_python(
    *,
    user: AnyUser,
    start: date | datetime,
    end: date | datetime,
    recommendations: Iterable[Recommendation] | None = None,
) -> list[Change]:
    """What changed in the follow-up between `start` and `end` (dates are whole days), newest first:
    categorisations, stakeholder views, parts, actions, and progress updates the user may see."""
    from coopreview.accounts.models import Organisation

    begin = (
        end_of_day(start)
        if isinstance(start, datetime)
        else timezone.make_aware(datetime.combine(start, datetime.min.time()))
    )
    finish = end_of_day(end)
    visible_recs = recommendations_visible_to(user=user)
    if recommendations is not None:
        visible_recs = visible_recs.filter(pk__in=_rec_ids(recommendations))
    from coopreview.recommendations.models import PriorityFlag

    org_names = {o.pk: o.display_name for o in Organisation.objects.all()}
    names = {
        Organisation: org_names,
        PriorityFlag: {f.pk: f.display_name for f in PriorityFlag.objects.all()},
    }

    specs = [
        (
            Categorisation,
            ("category", "rationale", "approved", "approved_by", "approved_on", "approved_in"),
            "rec",
        ),
        (StakeholderView, ("category", "position", "rationale", "priority_flag"), "rec"),
        (FollowupPart, ("status", "assessment", "budgetary", "narrative", "lead"), "rec"),
        (Action, ("title", "lead", "start", "due", "progress"), "action"),
        (ProgressUpdate, ("state", "text", "progress"), "update"),
    ]
    # The period's history rows, visibility applied in the query (subqueries, never the whole corpus's
    # ids in Python): what follows reads only the recommendations, actions and updates they name, so the
    # cost follows the number of changes in the period, not the size of the corpus.
    found: list[tuple[Any, tuple, str, list, dict]] = []
    for model, fields, scope in specs:
        history = model.history.model
        records = (
            history.objects.filter(history_date__gte=begin, history_date__lte=finish)
            .select_related("history_user")
            .prefetch_related("history_user__memberships__organisation")
        )
        if scope == "rec":
            records = records.filter(recommendation_id__in=visible_recs.values("pk"))
            if model is FollowupPart:
                records = records.exclude(id__in=_hidden_part_ids(user))
        elif scope == "action":
            records = records.filter(id__in=actions_visible_to(user=user).values("pk"))
        else:
            records = records.filter(id__in=updates_visible_to(user=user).values("pk"))
        records = list(records.order_by("history_date", "history_id"))
        # the record just before each one, to diff against (one query per model)
        ids = {r.id for r in records}
        earlier = defaultdict(list)
        for r in history.objects.filter(id__in=ids, history_date__lte=finish).order_by(
            "history_date", "history_id"
        ):
            earlier[r.id].append(r)
        found.append((model, fields, scope, records, earlier))

    rec_ids_named = {r.recommendation_id for _m, _f, scope, recs, _e in found if scope == "rec" for r in recs}
    update_ids = {r.id for _m, _f, scope, recs, _e in found if scope == "update" for r in recs}
    update_actions = dict(ProgressUpdate.objects.filter(pk__in=update_ids).values_list("pk", "action_id"))
    action_ids = {r.id for _m, _f, scope, recs, _e in found if scope == "action" for r in recs}
    action_ids |= set(update_actions.values())
    rec_labels = {
        r.pk: str(r) for r in Recommendation.objects.filter(pk__in=rec_ids_named).select_related("source")
    }
    # the rule of that time AND of now: a change is listed only if the user could open, at its time, the
    # recommendation it belongs to (every recommendation of an action); "before" values likewise.
    action_recs: dict[int, list[int]] = defaultdict(list)
    for action_id, rec_id in Action.recommendations.through.objects.filter(
        action_id__in=action_ids
    ).values_list("action_id", "recommendation_id"):
        action_recs[action_id].append(rec_id)
    readable = PastLayers.load(
        user=user,
        model=Recommendation,
        ids=rec_ids_named | {r for recs in action_recs.values() for r in recs},
        until=finish,
    )

    def open_at(record: Any, scope: str) -> bool:
        if record is None:
            return True
        if scope == "rec":
            rec_ids = [record.recommendation_id]
        elif scope == "action":
            rec_ids = action_recs.get(record.id, [])
        else:
            rec_ids = action_recs.get(update_actions.get(record.id, 0), [])
        return all(readable.open_at(r, record.history_date) for r in rec_ids)

    result: list[Change] = []
    labels: dict[tuple, str] = {}  # field labels translated once, not once per change
    for model, fields, scope, records, earlier in found:
        for record in records:
            chain = earlier[record.id]
            pos = next(i for i, r in enumerate(chain) if r.history_id == record.history_id)
            previous = chain[pos - 1] if pos > 0 else None
            if not open_at(record, scope):
                continue
            previous_open = open_at(previous, scope)
            diffs = []
            for name in fields:
                old = getattr(previous, _attname(model, name)) if previous else None
                new = getattr(record, _attname(model, name))
                if previous is None and new in (None, "", False):
                    continue
                if old != new:
                    if (model, name) not in labels:
                        labels[model, name] = str(model._meta.get_field(name).verbose_name)
                    label = labels[model, name]
                    before = _display(model, name, old, names) if previous_open else withheld()
                    diffs.append((label, before, _display(model, name, new, names)))
            kind = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
            if kind == "changed" and not diffs:
                continue
            if scope == "rec":
                rec_ids = [record.recommendation_id]
                label = rec_labels.get(record.recommendation_id, "")
                if model is FollowupPart:
                    label = f"{label} · {org_names.get(record.addressee_id, '')}"
                elif model is StakeholderView:
                    label = f"{label} · {org_names.get(record.organisation_id, '')}"
            else:
                rec_ids = []
                label = record.title if model is Action else f"{record.text[:80]}"
            result.append(
                Change(
                    when=record.history_date,
                    who=user_display_name(record.history_user),
                    username=record.history_user.get_username() if record.history_user else "",
                    kind=kind,
                    what=str(model._meta.verbose_name),
                    label=label,
                    recommendation_ids=rec_ids,
                    reason=record.history_change_reason or "",
                    changes=diffs,
                )
            )
    result.sort(key=lambda c: c.when, reverse=True)
    return result


def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname
