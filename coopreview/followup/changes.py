"""What changed in the follow-up over a period, paged in the database (issue #17).

The list used to build every change of the period in Python (model instances of every history row, the
reader's layers through PastLayers, a diff per row) before the paginator kept 100: 10–57 s at 200,000
recommendations. Here one query of keys (kind, history_id, history_date) applies every rule, so paging
runs in the database, and labels and diffs are built only for the rows a page shows:
- visible now: the recommendation (every recommendation of an action, of an update's action) is
  visible to the reader, parts confidential to another organ left out (selectors);
- the rule of that time: each of those recommendations, as it stood at the change, was open to the
  reader (past.open_then, the SQL form of PastLayers.open_at);
- a change is listed when it created or deleted the record, or when a tracked field differs from the
  record's previous history row (the latest before it by history_date, history_id: a correlated
  subquery on the (id, history_date) index; a window function would have to read every earlier row).
The list's page (ChangeList.page) applies them to the first changes of each kind in history_date order
and stops, counting exactly only up to a cap: counting a long period meant checking each of its changes
(84,394 in the default 30 days at 1,000,000 recommendations, 1.3 s).
"""

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, overload

from django.db import connections
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.lookups import IsNull
from django.utils import timezone

from coopreview.accounts.display import user_display_name
from coopreview.accounts.selectors import AnyUser
from coopreview.core.history import withheld
from coopreview.followup import past, selectors
from coopreview.followup.models import Action, Categorisation, FollowupPart, ProgressUpdate, StakeholderView
from coopreview.followup.rules import lead_scope
from coopreview.followup.selectors import Change
from coopreview.recommendations.models import Recommendation
from coopreview.recommendations.selectors import recommendations_visible_to

# (model, tracked fields, what the change belongs to). The order is also the order of changes made at
# the same instant, as the list always showed them.
SPECS: list[tuple[type[Model], tuple[str, ...], str]] = [
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
KINDS = {"+": "created", "~": "changed", "-": "deleted"}
NUMBERS = ("BooleanField", "IntegerField", "PositiveSmallIntegerField", "PositiveIntegerField",
           "SmallIntegerField", "BigIntegerField")  # fmt: skip
CHUNK = 500  # rows built at a time when a report iterates over every change


def _attname(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).attname


def _previous_id(history: type[Model], outer: int = 1) -> Subquery:
    """The history_id of the same record's history row just before the row `outer` levels out."""

    def ref(name: str) -> OuterRef:
        found = OuterRef(name)
        for _level in range(outer - 1):
            found = OuterRef(found)
        return found

    earlier = Q(history_date__lt=ref("history_date")) | Q(
        history_date=ref("history_date"), history_id__lt=ref("history_id")
    )
    return Subquery(
        history.objects.filter(earlier, id=ref("id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )


def _same_q(model: type[Model], fields: tuple[str, ...]) -> Q:
    """On a history row: every tracked field equals the outer row's (NULL equal to NULL, as in Python)."""
    condition = Q()
    for name in fields:
        column = _attname(model, name)
        same = Q(**{column: OuterRef(column)})
        if model._meta.get_field(name).null:
            same |= Q(**{f"{column}__isnull": True}) & Q(IsNull(OuterRef(column), True))
        condition &= same
    return condition


def _filled_q(model: type[Model], fields: tuple[str, ...]) -> Q:
    """Some tracked field holds a value other than None, "", False (or 0, equal to False in Python): what
    a change without an earlier row shows."""
    condition = Q(pk__in=[])
    for name in fields:
        field, column = model._meta.get_field(name), _attname(model, name)
        filled = ~Q(**{f"{column}__isnull": True}) if field.null else Q()
        if field.get_internal_type() in NUMBERS:
            filled &= ~Q(**{column: 0})
        elif not field.is_relation and field.get_internal_type() in ("CharField", "TextField"):
            filled &= ~Q(**{column: ""})
        condition |= filled
    return condition


def _open_q(user: AnyUser, scope: str) -> Q:
    """On a history row: the recommendations it belongs to were open to `user` at its history_date."""
    if scope == "rec":
        return Q(past.open_then(user, recommendation="recommendation_id", moment="history_date"))
    through = Action.recommendations.through
    links = through.objects.filter(action_id=OuterRef("id")) if scope == "action" else (
        through.objects.filter(action__updates=OuterRef("id"))  # the update's action as it is now
    )  # fmt: skip
    closed = links.filter(
        ~past.open_then(user, recommendation="recommendation_id", moment=OuterRef("history_date"))
    )
    return ~Q(Exists(closed))


def _period_keys(
    *, user: AnyUser, begin: datetime, finish: datetime, recommendations: Any, kind: int
) -> QuerySet:
    """The keys of the changes of one model in the period that the list shows."""
    model, fields, scope = SPECS[kind]
    history = model.history.model  # type: ignore[attr-defined]
    rows = history.objects.filter(history_date__gte=begin, history_date__lte=finish)
    if scope == "rec":
        # per row, by primary key: an IN list of the visible recommendations (or of the hidden parts)
        # would be built from the whole corpus, a third of the page's time at 200,000 recommendations
        visible_now = recommendations_visible_to(user=user).filter(pk=OuterRef("recommendation_id"))
        rows = rows.filter(Exists(visible_now))
        if recommendations is not None:
            rows = rows.filter(recommendation_id__in=selectors._rec_ids(recommendations))
        if model is FollowupPart and lead_scope(user) is not None:
            hidden = FollowupPart.objects.unreadable(lead_scope(user)).filter(pk=OuterRef("id"))
            rows = rows.exclude(Exists(hidden))
    elif scope == "action":
        rows = rows.filter(id__in=selectors.actions_visible_to(user=user).values("pk"))
    else:
        rows = rows.filter(id__in=selectors.updates_visible_to(user=user).values("pk"))
    # a change row is kept unless its previous row holds the same tracked values; one without a
    # previous row (a pruned history) unless every tracked field is empty. The previous row is looked
    # up once (Exists over it), not once per test.
    previous = history.objects.filter(history_id=_previous_id(history, outer=2))
    changed = ~Exists(previous.filter(_same_q(model, fields))) & (Exists(previous) | _filled_q(model, fields))
    return (
        rows.filter(_open_q(user, scope))
        .filter(Q(history_type__in=["+", "-"]) | changed)
        .order_by()
        .values("history_date", "history_id", kind=Value(kind))
    )


@dataclass
class ChangesPage:
    """One page of the changes and what the reader is told of the rest. `total` is the exact number of
    changes when it is at most the cap the page was read with, None when there are more (then only
    the neighbouring pages are known: a next page whenever a change follows this page's last)."""

    object_list: list[Change]
    number: int
    size: int
    total: int | None
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def num_pages(self) -> int | None:
        """None when the total is not known (more changes than the cap)."""
        return None if self.total is None else max(1, -(-self.total // self.size))


class ChangeList(Sequence[Change]):
    """The changes, newest first, as a sequence counted and sliced in the database; a slice builds only
    its own rows. `page` reads one page for the list without counting a long period. Iterating reads
    every key once, then builds CHUNK rows at a time."""

    def __init__(self, branches: list[QuerySet], build: Callable[[list[dict]], list[Change]]) -> None:
        self._branches = branches  # the keys of each kind, unordered
        self._keys = branches[0].union(*branches[1:], all=True)
        self._build = build
        self._count: int | None = None

    def _ordered(self) -> QuerySet:
        # newest first; at the same instant in SPECS order, then in the order they were written
        return self._keys.order_by("-history_date", "kind", "history_id")

    def _first(self, n: int) -> tuple[str, list]:
        """SQL and parameters of (at least) the first `n` keys in the list's order: each kind's first `n`
        read in its history_date index's order, so the rules run on about `n` rows of each kind and the
        scan stops there, however many changes the period holds (a COUNT or a window over the union
        would apply them to every change of the period). The union holds every one of the first `n`."""
        arms, params = [], []
        for kind, branch in enumerate(self._branches):
            sql, arm_params = branch.order_by("-history_date", "history_id")[:n].query.sql_with_params()
            # each arm in a subquery of its own: SQLite takes no ORDER BY … LIMIT in a bare compound arm
            arms.append(f"SELECT * FROM ({sql}) first_{kind}")  # noqa: S608 — our own query's SQL
            params.extend(arm_params)
        return " UNION ALL ".join(arms), params

    def page(self, number: str | None, size: int, counted_up_to: int) -> ChangesPage:
        """Page `number` (as Paginator.get_page reads it: not a number, the first; past the end, the
        last) of `size` changes, with the total when it is at most `counted_up_to`, in one query. The
        rules run on at most max(counted_up_to + 1, the page's end + 1) changes of each kind: a
        period's first page costs the same whatever its length; a far page costs its depth, as an
        OFFSET does. Below 1 (which Paginator reads as the last page) the last page when the count is
        known, else the first."""
        try:
            wanted = (min(int(number or 1), 10**9) - 1) * size  # beyond any period, within SQL integers
        except ValueError:
            wanted = 0
        wanted = max(wanted, -1)
        # one more than the page's end tells whether a next page exists (the page below 1 may be the first)
        enough = max(counted_up_to + 1, max(wanted, 0) + size + 1)
        sql, params = self._first(enough)
        # `total` counts the union, which holds up to `enough` of each kind: below `enough` it is exact,
        # from `enough` on it says "at least `enough`". The offset asked for is below `enough`, so a
        # page past the end is past an exact total, whose last page is shown instead.
        start = (
            f"CASE WHEN %s >= 0 AND %s < total THEN %s WHEN total >= {enough} THEN 0"
            " ELSE ((total - 1) / %s) * %s END"
        )
        query = (
            "SELECT kind, history_id, total, place FROM ("  # noqa: S608 — our own query's SQL
            '  SELECT "kind" AS kind, "history_id" AS history_id, COUNT(*) OVER () AS total,'
            '  ROW_NUMBER() OVER (ORDER BY "history_date" DESC, "kind", "history_id") - 1 AS place'
            f"  FROM ({sql}) change_keys"
            f") numbered WHERE place >= {start} AND place < {start} + %s ORDER BY place"
        )
        bounds = [wanted, wanted, wanted, size, size]
        with connections[self._keys.db].cursor() as cursor:
            cursor.execute(query, [*params, *bounds, *bounds, size])
            rows = cursor.fetchall()
        seen = min(rows[0][2], enough) if rows else 0
        first = rows[0][3] if rows else 0
        return ChangesPage(
            object_list=self._build([{"kind": k, "history_id": h} for k, h, _t, _p in rows]),
            number=first // size + 1,
            size=size,
            total=seen if seen <= counted_up_to else None,
            has_next=first + size < seen,
        )

    def count(self) -> int:
        if self._count is None:
            self._count = self._keys.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _slice(self, start: int, stop: int) -> list[dict]:
        return list(self._ordered()[start:stop])

    @overload
    def __getitem__(self, index: int) -> Change: ...
    @overload
    def __getitem__(self, index: slice) -> list[Change]: ...
    def __getitem__(self, index: int | slice) -> Change | list[Change]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count())
            if step != 1:
                raise ValueError("ChangeList slices take no step")
            return self._build(self._slice(start, stop)) if stop > start else []
        if index < 0:
            index += self.count()
        found = self._build(self._slice(index, index + 1)) if index >= 0 else []
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self) -> Iterator[Change]:
        keys = list(self._ordered())
        self._count = len(keys)
        for start in range(0, len(keys), CHUNK):
            yield from self._build(keys[start : start + CHUNK])

    def __bool__(self) -> bool:
        return self.count() > 0


def changes_between(
    *,
    user: AnyUser,
    start: date | datetime,
    end: date | datetime,
    recommendations: Any = None,
) -> ChangeList:
    """What changed in the follow-up between `start` and `end` (dates are whole days), newest first:
    categorisations, stakeholder views, parts, actions, and progress updates the user may see."""
    begin = (
        selectors.end_of_day(start)
        if isinstance(start, datetime)
        else timezone.make_aware(datetime.combine(start, datetime.min.time()))
    )
    finish = selectors.end_of_day(end)
    branches = [
        _period_keys(user=user, begin=begin, finish=finish, recommendations=recommendations, kind=kind)
        for kind in range(len(SPECS))
    ]
    return ChangeList(
        branches, lambda page: _build(user=user, page=[(k["kind"], k["history_id"]) for k in page])
    )


def _build(*, user: AnyUser, page: list[tuple[int, int]]) -> list[Change]:
    """The Change of each (kind, history_id) of `page`, in its order, in a fixed number of queries
    whatever the page holds (an id list that would be empty is sent as [0], matching nothing)."""
    from django.contrib.auth.models import User

    from coopreview.accounts.models import Membership, Organisation
    from coopreview.recommendations.models import PriorityFlag

    org_names = {o.pk: o.display_name for o in Organisation.objects.all()}
    names: dict[Any, dict[Any, str]] = {
        Organisation: org_names,
        PriorityFlag: {f.pk: f.display_name for f in PriorityFlag.objects.all()},
    }
    wanted: dict[int, list[int]] = defaultdict(list)
    for kind, history_id in page:
        wanted[kind].append(history_id)
    records: dict[tuple[int, int], Any] = {}
    previous: dict[tuple[int, int], Any] = {}
    for kind, (model, _fields, scope) in enumerate(SPECS):
        history = model.history.model  # type: ignore[attr-defined]
        rows = list(
            history.objects.filter(history_id__in=wanted[kind] or [0]).annotate(
                previous=_previous_id(history)
            )
        )
        # the rows before them, and whether the reader could open those at their time ("before" values)
        earlier = {
            r.history_id: r
            for r in history.objects.filter(
                history_id__in=[r.previous for r in rows if r.previous] or [0]
            ).annotate(was_open=ExpressionWrapper(_open_q(user, scope), output_field=BooleanField()))
        }
        for r in rows:
            records[kind, r.history_id] = r
            previous[kind, r.history_id] = earlier.get(r.previous)
    user_ids = {r.history_user_id for r in records.values() if r.history_user_id}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids or [0])}
    memberships: dict[int, list[Membership]] = defaultdict(list)
    for m in Membership.objects.filter(user_id__in=user_ids or [0]).select_related("organisation"):
        memberships[m.user_id].append(m)
    for pk, u in users.items():  # as prefetch_related("memberships__organisation") leaves them
        u._prefetched_objects_cache = {"memberships": memberships[pk]}
    rec_ids = {r.recommendation_id for (kind, _h), r in records.items() if SPECS[kind][2] == "rec"}
    rec_labels = {
        r.pk: str(r) for r in Recommendation.objects.filter(pk__in=rec_ids or [0]).select_related("source")
    }
    labels: dict[tuple, str] = {}  # field labels translated once, not once per change
    result = []
    for kind, history_id in page:
        model, fields, scope = SPECS[kind]
        record, before = records[kind, history_id], previous[kind, history_id]
        previous_open = before is None or before.was_open
        diffs = []
        for name in fields:
            old = getattr(before, _attname(model, name)) if before else None
            new = getattr(record, _attname(model, name))
            if before is None and new in (None, "", False):
                continue
            if old != new:
                if (model, name) not in labels:
                    labels[model, name] = str(model._meta.get_field(name).verbose_name)
                shown_before = selectors._display(model, name, old, names) if previous_open else withheld()
                diffs.append((labels[model, name], shown_before, selectors._display(model, name, new, names)))
        if scope == "rec":
            recommendation_ids = [record.recommendation_id]
            label = rec_labels.get(record.recommendation_id, "")
            if model is FollowupPart:
                label = f"{label} · {org_names.get(record.addressee_id, '')}"
            elif model is StakeholderView:
                label = f"{label} · {org_names.get(record.organisation_id, '')}"
        else:
            recommendation_ids = []
            label = record.title if model is Action else f"{record.text[:80]}"
        who = users.get(record.history_user_id)
        result.append(
            Change(
                when=record.history_date,
                who=user_display_name(who),
                username=who.get_username() if who else "",
                kind=KINDS[record.history_type],
                what=str(model._meta.verbose_name),
                label=label,
                recommendation_ids=recommendation_ids,
                reason=record.history_change_reason or "",
                changes=diffs,
            )
        )
    return result
