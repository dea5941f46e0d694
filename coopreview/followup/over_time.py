"""The dashboard's "over time" months without a pass over every span: status counts at past moments
from pre-aggregated deltas, exactly equal to past.status_counts_from_spans (the reference, still used for
filtered dashboards and for the recommendations counted apart).

The rule there, per recommendation: the MIN rank of its spans valid at the moment that the reader may
read (a confidential key only within their lead scope), when the recommendation is visible now AND its
latest version up to the moment was open to the reader under that version's own layer. Most
recommendations are "simple" (models.OverTimeEntry.simple): no confidential span, every version of
their history had the layer they have now (none a deletion), and the first version is at or before the
first span. For them the rule is only "the reader may open this layer now" and, one key only, at most
one span valid at a time: the count per rank at moment m is, over the layers the reader may open,
(spans begun up to m) - (spans ended up to m). Those are kept as deltas per (layer, UTC day, rank)
(models.OverTimeDelta): the sum over the days before m's UTC day, plus that day's own spans read from
OverallSpan up to m (a day's writes at most). Any time zone: only m itself matters, compared in UTC.
The others ("complex": a layer that changed, a confidential part, a version after the first span) are
counted by the reference query restricted to them.

Kept up to date in the transaction of every write that can change them: the part services' overall
refresh (the spans rewritten: old contributions subtracted, new ones added, `spans_rewritten`), every
write of a recommendation or its restricted organisations, an import, a deletion (core.derived, see
FollowupConfig.ready: `recommendations_changed`, `recommendations_deleting`). Derived caches with no
history of their own: `over_time_rebuild` (in followup_overall_rebuild) recomputes them.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Sum, Value, When

from coopreview.accounts.enums import Visibility
from coopreview.accounts.layers import Reach, reach_of
from coopreview.accounts.selectors import AnyUser
from coopreview.followup import selectors
from coopreview.followup.models import OverallSpan, OverTimeDelta, OverTimeEntry
from coopreview.recommendations.models import Recommendation

CHUNK = 2000  # ids per query (SQLite's limit on parameters), as accounts.layers.PastLayers
RESTRICTED = f"{Visibility.RESTRICTED}:,"


class Span(NamedTuple):
    confidential: bool
    rank: int
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class Layers:
    """A recommendation's layer now and whether its history kept it (OverTimeEntry's fields)."""

    layer: str
    uniform: bool
    since: datetime | None


def layer_key(visibility: str, organisations: Iterable[int]) -> str:
    """One string per access layer: the visibility, and for a restricted record its organisations
    (",3,7," so that a reader's organisation is found with LIKE '%,3,%'). Organisations named on a
    record that is not restricted open nothing (accounts.layers.may_open), so they are left out."""
    if visibility != Visibility.RESTRICTED:
        return str(visibility)
    return RESTRICTED + "".join(f"{org}," for org in sorted(set(organisations)))


def readable_q(reach: Reach) -> Q | None:
    """The condition on a `layer` field that the reader of `reach` may open it (accounts.layers.may_open
    on the key); None: every layer (editors)."""
    if reach.everything:
        return None
    condition = Q(layer__in=list(reach.layers))
    for org in sorted(reach.organisations):
        condition |= Q(layer__startswith=RESTRICTED, layer__contains=f",{org},")
    return condition


# ---------------------------------------------------------------- reading


def _on(field: str, bounds: dict[str, datetime]) -> Q:
    """`bounds` ({"gte": …, "lte": …}: lookups without their field) applied to `field`."""
    return Q(**{f"{field}__{lookup}": value for lookup, value in bounds.items()})


def status_counts(*, user: AnyUser, whens: Sequence[date | datetime]) -> list[dict[str, int]]:
    """past.status_counts_from_spans(user=user, when=w) for each of `whens` over every recommendation
    (no filter), in a fixed number of queries: two for the simple recommendations, one per moment for
    those counted apart."""
    from coopreview.followup import past, summary  # they import followup.overall, which imports this module

    moments = [selectors.end_of_day(when) for when in whens]
    days = [moment.astimezone(UTC).date() for moment in moments]
    reach = reach_of(user)
    readable = readable_q(reach)
    ranks: list[Counter] = [Counter() for _m in moments]
    # Each moment falls in a UTC day. Its count is the deltas of the days before it plus its own day's
    # spans up to the moment, or, when the moment is in the second half of its day, the deltas up to
    # and including its day minus the spans after it: the shorter window (an hour, not 23, for the end
    # of a day in The Hague) is read from the spans, 0.2 s at 1,000,000 recommendations otherwise.
    windows: list[tuple[date, dict, int]] = []  # (first day not in the deltas, bounds, sign)
    for day, moment in zip(days, moments, strict=True):
        midnight = datetime.combine(day, time.min, tzinfo=UTC)
        if moment - midnight <= midnight + timedelta(days=1) - moment:
            windows.append((day, {"gte": midnight, "lte": moment}, 1))
        else:
            windows.append((day + timedelta(days=1), {"gt": moment, "lt": midnight + timedelta(days=1)}, -1))
    before = OverTimeDelta.objects.filter(day__lt=max(w[0] for w in windows))
    if readable is not None:
        before = before.filter(readable)
    sums = {
        f"at{i}": Sum(Case(When(day__lt=w[0], then="delta"), default=Value(0), output_field=IntegerField()))
        for i, w in enumerate(windows)
    }
    for row in before.order_by().values("rank").annotate(**sums):
        for i in range(len(moments)):
            ranks[i][row["rank"]] += row[f"at{i}"] or 0
    # each window's spans of the simple recommendations: begun +1, ended -1, times the window's sign
    within = Q()
    for _day, bounds, _sign in windows:
        within |= _on("start", bounds) | _on("end", bounds)
    entries = OverTimeEntry.objects.filter(recommendation_id=OuterRef("recommendation_id"), simple=True)
    if readable is not None:
        entries = entries.filter(readable)
    own_day = {}
    for i, (_day, bounds, _sign) in enumerate(windows):
        begun = When(_on("start", bounds), then=Value(1))
        ended = When(_on("end", bounds), then=Value(1))
        own_day[f"at{i}"] = Sum(Case(begun, default=Value(0), output_field=IntegerField())) - Sum(
            Case(ended, default=Value(0), output_field=IntegerField())
        )
    spans = OverallSpan.objects.filter(within).filter(Exists(entries)).order_by()
    for row in spans.values("rank").annotate(**own_day):
        for i, (_day, _bounds, sign) in enumerate(windows):
            ranks[i][row["rank"]] += sign * (row[f"at{i}"] or 0)
    apart = OverTimeEntry.objects.filter(simple=False).values("recommendation_id")
    counted = []
    for i, moment in enumerate(moments):
        counts = past.status_counts_from_spans(user=user, when=moment, recommendations=apart)
        for rank, n in ranks[i].items():
            if n:
                counts[summary.status_of(rank)] += n
        counted.append(counts)
    return counted


# ---------------------------------------------------------------- keeping them


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def spans_of(ids: Sequence[int]) -> dict[int, list[Span]]:
    """The stored spans of these recommendations (one query per CHUNK ids)."""
    found: dict[int, list[Span]] = {}
    for chunk in _chunks(ids):
        rows = OverallSpan.objects.filter(recommendation_id__in=chunk).values_list(
            "recommendation_id", "confidential", "rank", "start", "end"
        )
        for rec_id, *span in rows:
            found.setdefault(rec_id, []).append(Span(*span))
    return found


def layers_of(ids: Sequence[int]) -> dict[int, Layers]:
    """Each existing recommendation's layer now and whether every version of its history had it, read
    from the rows (two queries per CHUNK ids, and one per table of restricted organisations read)."""
    history = Recommendation.history.model
    then_orgs = apps.get_model("recommendations", f"{history.__name__}_restricted_to")
    through = Recommendation.restricted_to.through
    found: dict[int, Layers] = {}
    for chunk in _chunks(ids):
        now = dict(Recommendation.objects.filter(pk__in=chunk).values_list("pk", "visibility"))
        named_now: dict[int, set[int]] = {}
        restricted = [pk for pk, visibility in now.items() if visibility == Visibility.RESTRICTED]
        if restricted:
            for pk, org in through.objects.filter(recommendation_id__in=restricted).values_list(
                "recommendation_id", "organisation_id"
            ):
                named_now.setdefault(pk, set()).add(org)
        versions = list(
            history.objects.filter(id__in=chunk)
            .order_by("id", "history_date", "history_id")
            .values_list("id", "history_id", "history_date", "history_type", "visibility")
        )
        named_then: dict[int, set[int]] = {}
        restricted_then = [v[1] for v in versions if v[4] == Visibility.RESTRICTED and v[3] != "-"]
        for start in range(0, len(restricted_then), CHUNK):
            rows = then_orgs.objects.filter(history_id__in=restricted_then[start : start + CHUNK])
            for history_id, org in rows.values_list("history_id", "organisation_id"):
                named_then.setdefault(history_id, set()).add(org)
        keys = {pk: layer_key(visibility, named_now.get(pk, ())) for pk, visibility in now.items()}
        since: dict[int, datetime] = {}
        uniform = dict.fromkeys(keys, True)
        for pk, history_id, when, kind, visibility in versions:
            if pk not in keys:
                continue
            since.setdefault(pk, when)
            if kind == "-" or layer_key(visibility, named_then.get(history_id, ())) != keys[pk]:
                uniform[pk] = False
        for pk, key in keys.items():
            found[pk] = Layers(layer=key, uniform=uniform[pk], since=since.get(pk))
    return found


def is_simple(layers: Layers, spans: list[Span]) -> bool:
    """Counted from the deltas: the rule of past.status_counts_from_spans reduces to "the reader may open
    this layer now", one span at a time (see the module)."""
    if not layers.uniform or layers.since is None or any(s.confidential for s in spans):
        return False
    return not spans or layers.since <= min(s.start for s in spans)


def contributions(layer: str, spans: list[Span], sign: int = 1) -> Counter:
    """(layer, UTC day, rank) → +1 per span begun that day, -1 per span ended that day (times `sign`)."""
    found: Counter = Counter()
    for span in spans:
        found[(layer, span.start.astimezone(UTC).date(), span.rank)] += sign
        if span.end is not None:
            found[(layer, span.end.astimezone(UTC).date(), span.rank)] -= sign
    return found


def _add(deltas: Counter) -> None:
    """Add `deltas` to the stored ones: one INSERT … ON CONFLICT DO UPDATE (SQLite and PostgreSQL alike),
    so that concurrent writers add to the same row instead of overwriting each other's sums."""
    rows = [(key, n) for key, n in sorted(deltas.items()) if n]
    if not rows:
        return
    table = connection.ops.quote_name(OverTimeDelta._meta.db_table)
    layer, day, rank, delta = (connection.ops.quote_name(c) for c in ("layer", "day", "rank", "delta"))
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
        params: list[Any] = []
        for (key_layer, key_day, key_rank), n in batch:
            params += [key_layer, connection.ops.adapt_datefield_value(key_day), key_rank, n]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({layer}, {day}, {rank}, {delta}) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({layer}, {day}, {rank}) "
                f"DO UPDATE SET {delta} = {table}.{delta} + excluded.{delta}",
                params,
            )


def _layers(entry: OverTimeEntry) -> Layers:
    return Layers(layer=entry.layer, uniform=entry.uniform, since=entry.since)


def _entry(pk: int, layers: Layers, simple: bool) -> OverTimeEntry:
    return OverTimeEntry(
        recommendation_id=pk, layer=layers.layer, uniform=layers.uniform, since=layers.since, simple=simple
    )


def _stored(ids: Sequence[int]) -> dict[int, OverTimeEntry]:
    found: dict[int, OverTimeEntry] = {}
    for chunk in _chunks(ids):
        found.update(
            (e.recommendation_id, e) for e in OverTimeEntry.objects.filter(recommendation_id__in=chunk)
        )
    return found


def _save_simple(entries: Iterable[OverTimeEntry], simple: dict[int, bool]) -> None:
    """Store the new `simple` of the entries whose value changed (one UPDATE per value)."""
    for value in (True, False):
        ids = [
            e.recommendation_id for e in entries if e.simple != value and simple[e.recommendation_id] == value
        ]
        for chunk in _chunks(ids):
            OverTimeEntry.objects.filter(recommendation_id__in=chunk).update(simple=value)


def spans_rewritten(*, old: dict[int, list[Span]], new: dict[int, list[Span]]) -> None:
    """The spans of these recommendations (the keys of `old` and `new`) were rewritten by the overall
    refresh (followup.overall): their deltas follow. Called in its transaction, after the write."""
    ids = sorted(set(old) | set(new))
    stored = _stored(ids)
    missing = [pk for pk in ids if pk not in stored and new.get(pk)]
    fresh = layers_of(missing) if missing else {}
    deltas: Counter = Counter()
    simple: dict[int, bool] = {}
    created = []
    for pk in ids:
        entry = stored.get(pk)
        if entry is not None and entry.simple:
            deltas.update(contributions(entry.layer, old.get(pk, []), sign=-1))
        layers = _layers(entry) if entry is not None else fresh.get(pk)
        if layers is None:  # no spans and no entry, or the recommendation is gone
            continue
        simple[pk] = is_simple(layers, new.get(pk, []))
        if simple[pk]:
            deltas.update(contributions(layers.layer, new.get(pk, [])))
        if entry is None:
            created.append(_entry(pk, layers, simple[pk]))
    _add(deltas)
    _save_simple(stored.values(), simple)
    OverTimeEntry.objects.bulk_create(created)


def recommendations_changed(ids: list[int]) -> None:
    """core.derived: these recommendations were written (their layer may have changed, a version was
    added). Only those with an entry (with spans) can count: one query when none has."""
    stored = _stored(ids)
    if not stored:
        return
    fresh = layers_of(list(stored))
    moved = [pk for pk, entry in stored.items() if pk in fresh and fresh[pk] != _layers(entry)]
    if not moved:
        return
    spans = spans_of(moved)
    deltas: Counter = Counter()
    for pk in moved:
        entry, layers, own = stored[pk], fresh[pk], spans.get(pk, [])
        if entry.simple:
            deltas.update(contributions(entry.layer, own, sign=-1))
        entry.layer, entry.uniform, entry.since = layers.layer, layers.uniform, layers.since
        entry.simple = is_simple(layers, own)
        if entry.simple:
            deltas.update(contributions(layers.layer, own))
    _add(deltas)
    OverTimeEntry.objects.bulk_update(
        [stored[pk] for pk in moved], ["layer", "uniform", "since", "simple"], batch_size=CHUNK
    )


def recommendations_deleting(ids: list[int]) -> None:
    """core.derived: these recommendations are about to be deleted (their spans and entries go with them,
    CASCADE): their contributions are taken out of the deltas first."""
    stored = [entry for entry in _stored(ids).values() if entry.simple]
    if not stored:
        return
    spans = spans_of([e.recommendation_id for e in stored])
    deltas: Counter = Counter()
    for entry in stored:
        deltas.update(contributions(entry.layer, spans.get(entry.recommendation_id, []), sign=-1))
    _add(deltas)
    OverTimeEntry.objects.filter(recommendation_id__in=[e.recommendation_id for e in stored]).update(
        simple=False
    )


@transaction.atomic
def over_time_rebuild() -> int:
    """Recompute every entry and delta from the stored spans and the recommendations' history (after
    overall_rebuild, or writes around the services). Returns the number of entries."""
    OverTimeDelta.objects.all().delete()
    OverTimeEntry.objects.all().delete()
    ids = sorted(set(OverallSpan.objects.order_by().values_list("recommendation_id", flat=True).distinct()))
    deltas: Counter = Counter()
    written = 0
    for chunk in _chunks(ids):
        layers, spans = layers_of(chunk), spans_of(chunk)
        entries = []
        for pk in chunk:
            if pk not in layers:
                continue
            simple = is_simple(layers[pk], spans.get(pk, []))
            if simple:
                deltas.update(contributions(layers[pk].layer, spans.get(pk, [])))
            entries.append(_entry(pk, layers[pk], simple))
        OverTimeEntry.objects.bulk_create(entries)
        written += len(entries)
    OverTimeDelta.objects.bulk_create(
        [OverTimeDelta(layer=k[0], day=k[1], rank=k[2], delta=n) for k, n in sorted(deltas.items()) if n],
        batch_size=CHUNK,
    )
    return written
