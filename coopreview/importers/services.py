"""Import plans (what a file would change, field by field) and their all-or-nothing application."""

from __future__ import annotations

import gc
import operator
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_record
from coopreview.core import derived
from coopreview.core.exceptions import ServiceError
from coopreview.importers import bulk, parsers
from coopreview.importers.enums import RecordStatus
from coopreview.importers.organisations import OrganisationResolver, OrgRef
from coopreview.importers.parsers.base import (
    ImportFileError,
    ParsedRecord,
    ParseResult,
    Place,
    Problem,
    place_words,
)
from coopreview.recommendations import services as rec_services
from coopreview.recommendations.enums import Response, Visibility
from coopreview.recommendations.models import PriorityFlag, Recommendation, Source, Theme, reference_sort_key

MARK_FLAG_DEFAULT = "Priority"
FIELDS = (
    "text", "text_fr", "section", "addressees", "recommended_by", "response", "page", "priority_flags",
    "themes", "visibility",
)  # fmt: skip


RESPONSES = frozenset(Response.values)
VISIBILITIES = frozenset(Visibility.values)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building hundreds of thousands of small objects
    (records, changes): its repeated full passes otherwise double the time of a 100,000-row import.
    Reference counting still frees memory; the collector resumes (and catches up) afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ImportRefused(ServiceError):
    """The file cannot be applied (problems in it, or it cannot be read). Nothing was written."""


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RecordPlan:
    reference: str
    source: str
    status: str
    place: str
    changes: list[FieldChange] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # the resolved new values, for apply
    unmatched: dict[str, list[str]] = field(default_factory=dict)  # names kept as text, per role


@dataclass
class ImportPlan:
    file: str
    format: str
    records: list[RecordPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(r.status for r in self.records)
        return {
            "new": counts[RecordStatus.NEW],
            "changed": counts[RecordStatus.CHANGED],
            "unchanged": counts[RecordStatus.UNCHANGED],
            "problems": len([p for p in self.problems if p.blocking]),
            "warnings": len([p for p in self.problems if not p.blocking]),
        }

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    def as_json(self, *, with_values: bool = False) -> dict:
        return {
            "file": self.file,
            "format": self.format,
            "counts": self.counts,
            "records": [
                {
                    "reference": r.reference,
                    "source": r.source,
                    "status": r.status,
                    "place": r.place,
                    "changes": [asdict(c) for c in r.changes],
                }
                for r in self.records
            ],
            "problems": [
                {"place": str(p.place), "reason": p.reason, "blocking": p.blocking} for p in self.problems
            ],
            "unknown_names": self.meta.get("unknown_names", []),
            "fill_colours": self.meta.get("fill_colours", []),
            "missing_source": self.meta.get("missing_source", 0),
        }


LABELS = {
    "text": lambda: _("text"),
    "text_fr": lambda: _("text (French)"),
    "section": lambda: _("cluster / section"),
    "addressees": lambda: _("addressees"),
    "recommended_by": lambda: _("recommended by"),
    "response": lambda: _("response"),
    "page": lambda: _("page"),
    "priority_flags": lambda: _("priority flags"),
    "themes": lambda: _("themes"),
    "visibility": lambda: _("visibility"),
}


def parse_file(
    path: Path, *, file: str, format: str = "auto", progress=None, max_bytes: int | None = None
) -> tuple[str, ParseResult]:
    """Parse `path`; every failure becomes ImportRefused with the file (and place) in its message."""
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise ImportRefused(
            _("%(file)s: the file is larger than %(max)s MB.")
            % {"file": file, "max": round(max_bytes / 1048576, 1)}
        )
    try:
        with gc_paused():
            return parsers.parse(path, format=format, file=file, progress=progress)
    except ImportFileError as exc:
        raise ImportRefused(str(exc)) from exc
    except MemoryError as exc:  # pragma: no cover
        raise ImportRefused(_("%(file)s: the file is too large to read.") % {"file": file}) from exc
    except Exception as exc:  # a parser tripped on an unexpected shape: say where, never a traceback
        raise ImportRefused(
            _("%(file)s: the file could not be read as %(format)s (%(error)s).")
            % {"file": file, "format": format, "error": exc.__class__.__name__}
        ) from exc


def _source_for(symbol_or_id: str) -> Source | None:
    value = (symbol_or_id or "").strip()
    if not value:
        return None
    if value.isdigit():
        source = Source.objects.filter(pk=int(value)).first()
        if source is not None:
            return source
    return Source.objects.filter(symbol=value).first()


def _existing(sources: list[Source], references: set[str]) -> dict[tuple[int, str], Recommendation]:
    qs = (
        Recommendation.objects.filter(source__in=sources)
        .select_related("section__parent__parent__parent")
        .prefetch_related(Prefetch("addressees"), Prefetch("recommended_by"), "priority_flags", "themes")
    )
    if len(references) < 5000:
        qs = qs.filter(reference__in=references)
    return {(r.source_id, r.reference): r for r in qs}


def _section_titles(recommendation: Recommendation) -> list[str]:
    return [s.title for s in recommendation.section.path] if recommendation.section else []


def _names(values) -> str:
    return "; ".join(values) if values else "—"


class _Lookups:
    def __init__(self) -> None:
        self.orgs = OrganisationResolver()
        self.flags = {f.name.lower(): f for f in PriorityFlag.objects.all()}
        for f in list(self.flags.values()):
            if f.name_fr:
                self.flags.setdefault(f.name_fr.lower(), f)
        self.sections: dict[tuple, Any] = {}
        # Organisation ids by code, for the apply (a code names one organisation: materialise() keys
        # by it too; a str hashes once, a frozen dataclass on every lookup).
        self.org_ids: dict[str, int] = {}
        self.themes: dict[str, Theme] = {}
        for t in Theme.objects.all():
            for label in (t.slug, t.name.lower(), t.name_fr.lower()):
                if label:
                    self.themes.setdefault(label, t)

    def flag_name(self, name: str) -> str:
        flag = self.flags.get(name.lower())
        return flag.name if flag else name

    def theme_name(self, name: str) -> str:
        theme = self.themes.get(name.lower()) or self.themes.get(slugify(name))
        return theme.name if theme else name


def build_plan(
    *,
    result: ParseResult,
    file: str,
    format: str,
    source: str = "",
    mark_flag: str = MARK_FLAG_DEFAULT,
    colour_flags: dict[str, str] | None = None,
) -> ImportPlan:
    """What applying `result` would do: per record new/changed/unchanged with field changes, and problems.

    `colour_flags` renames the flags of shaded rows ("Shaded orange (#F4B183)" → the editor's name)."""
    with gc_paused():
        return _build_plan(
            result=result, file=file, format=format, source=source, mark_flag=mark_flag,
            colour_flags=colour_flags or {},
        )  # fmt: skip


def _build_plan(
    *, result: ParseResult, file: str, format: str, source: str, mark_flag: str, colour_flags: dict[str, str]
) -> ImportPlan:
    plan = ImportPlan(file=file, format=format, problems=list(result.problems), meta=dict(result.meta))
    responses_only = bool(result.meta.get("responses_only"))
    fields = set(result.meta.get("fields") or FIELDS) | (set() if responses_only else {"text"})
    managed = result.meta.get("managed_flags")
    renamed = {MARK_FLAG_DEFAULT: mark_flag, **colour_flags}
    managed = {renamed.get(n, n) for n in managed} if managed is not None else None
    default_symbol = source or result.meta.get("symbol", "")
    default_source = _source_for(default_symbol)

    def symbol_of(record: ParsedRecord) -> str:
        # A file spanning several reviews: one source per review, unless the editor chose one.
        return record.source or source or record.review or default_symbol

    symbols = {symbol_of(r) for r in result.records} - {""}
    sources = {s.symbol: s for s in Source.objects.filter(symbol__in=symbols)}
    if default_source is not None:
        sources[default_symbol] = default_source
    existing = _existing(list(sources.values()), {r.reference for r in result.records})
    lookups = _Lookups()
    labels = {name: str(label()) for name, label in LABELS.items()}
    words = place_words()
    choices = {
        "response": {k: str(v) for k, v in Response.choices},
        "visibility": {k: str(v) for k, v in Visibility.choices},
    }

    def show(name: str, value: Any) -> str:
        if name in choices:
            return choices[name].get(value, value) if value else "—"
        return _show(name, value)

    seen: set[tuple[str, str]] = set()
    unknown: dict[str, dict] = {}
    orphans = [r for r in result.records if not symbol_of(r)]
    if orphans:
        plan.meta["missing_source"] = len(orphans)  # the preview offers to name the source in place
        plan.problems.append(
            Problem(
                Place(file),
                ngettext(
                    "%(count)s recommendation has no source: "
                    "choose the source (document symbol) of the file.",
                    "%(count)s recommendations have no source: "
                    "choose the source (document symbol) of the file.",
                    len(orphans),
                )
                % {"count": len(orphans)},
            )
        )
    for record in result.records:
        place = record.place.format(words) if record.place else file
        symbol = symbol_of(record)
        if not symbol:
            continue
        if (symbol, record.reference) in seen:
            plan.problems.append(
                Problem(
                    record.place or Place(file),
                    _("reference %(ref)s appears twice") % {"ref": record.reference},
                )
            )
            continue
        seen.add((symbol, record.reference))
        src = sources.get(symbol)
        current = existing.get((src.pk, record.reference)) if src else None
        if current is None and responses_only:
            plan.problems.append(
                Problem(
                    record.place or Place(file),
                    _("reference %(ref)s is not in %(source)s; import the report before its addendum")
                    % {"ref": record.reference, "source": symbol},
                )
            )
            continue
        values, problems, unmatched = _resolve(record, lookups=lookups, renamed=renamed)
        for role, names_ in unmatched.items():
            for name in names_:
                _note_unknown(unknown, name, role, record.place or Place(file), lookups, words)
        if problems:
            plan.problems += [Problem(record.place or Place(file), p) for p in problems]
            continue
        if current is not None and managed is not None and "priority_flags" in fields:
            kept = [f.name for f in current.priority_flags.all() if f.name not in managed]
            values["priority_flags"] = sorted(set(kept) | set(values["priority_flags"]))
        entry = RecordPlan(reference=record.reference, source=symbol, status=RecordStatus.NEW, place=place)
        entry.unmatched = unmatched
        entry.values = {k: v for k, v in values.items() if k in fields}
        if not entry.values.get("visibility"):
            entry.values.pop("visibility", None)
        if current is None:
            for name in FIELDS:
                if name in entry.values and show(name, entry.values[name]) != "—":
                    entry.changes.append(FieldChange(name, labels[name], "—", show(name, entry.values[name])))
        else:
            old = _current_values(current)
            for name in FIELDS:
                if name not in entry.values:
                    continue
                if name == "text_fr" and not entry.values[name]:
                    continue  # a file without French keeps the French
                before, after = show(name, old[name]), show(name, entry.values[name])
                if before != after:
                    entry.changes.append(FieldChange(name, labels[name], before, after))
            entry.status = RecordStatus.CHANGED if entry.changes else RecordStatus.UNCHANGED
        plan.records.append(entry)
    for item in unknown.values():
        plan.problems.append(
            Problem(
                item.pop("first"),
                ngettext(
                    "“%(name)s” is not a known organisation or State (%(count)s place); "
                    "kept as text on the record until it is mapped.",
                    "“%(name)s” is not a known organisation or State (%(count)s places); "
                    "kept as text on the records until it is mapped.",
                    item["count"],
                )
                % {"name": item["name"], "count": item["count"]},
                blocking=False,
            )
        )
    plan.meta["unknown_names"] = list(unknown.values())
    return plan


def _note_unknown(unknown: dict, name: str, role: str, place: Place, lookups: _Lookups, words) -> None:
    from coopreview.importers.names import compact

    item = unknown.get(compact(name))
    if item is None:
        item = unknown[compact(name)] = {
            "name": name,
            "key": compact(name),
            "count": 0,
            "places": [],
            "first": place,
            "proposals": [{"code": r.code, "label": r.label} for r in lookups.orgs.proposals(name)],
        }
    item["count"] += 1
    if len(item["places"]) < 5:
        item["places"].append(place.format(words))


def _resolve(
    record: ParsedRecord, *, lookups: _Lookups, renamed: dict[str, str]
) -> tuple[dict[str, Any], list[str], dict[str, list[str]]]:
    """(values, blocking problems, names not matched per role — kept as text, never blocking)."""
    problems: list[str] = []
    unmatched: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "text": " ".join(record.text.split()) if "\n" not in record.text else record.text.strip()
    }
    values["text_fr"] = record.text_fr.strip()
    values["section"] = [" ".join(s.split()) for s in record.section if s.strip()]
    for key in ("addressees", "recommended_by"):
        refs: list[OrgRef] = []
        for name in record.__dict__[key]:
            ref = lookups.orgs.resolve(name)
            if ref is None:
                unmatched.setdefault(key, []).append(name)
            elif ref not in refs:
                refs.append(ref)
        values[key] = refs
    values["response"] = record.response
    if record.response and record.response not in RESPONSES:
        problems.append(
            _("reference %(ref)s: unknown response “%(value)s”")
            % {"ref": record.reference, "value": record.response}
        )
    values["page"] = record.page
    values["priority_flags"] = sorted({lookups.flag_name(renamed.get(f, f)) for f in record.priority_flags})
    values["themes"] = sorted({lookups.theme_name(t) for t in record.themes})
    values["visibility"] = record.visibility or ""
    if record.visibility and record.visibility not in VISIBILITIES:
        problems.append(
            _("reference %(ref)s: unknown visibility “%(value)s” (public, members or restricted)")
            % {"ref": record.reference, "value": record.visibility}
        )
    return values, problems, unmatched


def _current_values(r: Recommendation) -> dict[str, Any]:
    return {
        "text": r.text,
        "text_fr": r.text_fr,
        "section": _section_titles(r),
        "addressees": [OrgRef(o.code, o.name, o.pk) for o in r.addressees.all()],
        "recommended_by": [OrgRef(o.code, o.name, o.pk) for o in r.recommended_by.all()],
        "response": r.response,
        "page": r.page,
        "priority_flags": sorted(f.name for f in r.priority_flags.all()),
        "themes": sorted(t.name for t in r.themes.all()),
        "visibility": r.visibility,
    }


def _show(name: str, value: Any) -> str:
    if name in ("addressees", "recommended_by"):
        return _names(sorted(ref.label for ref in value))
    if name == "section":
        return " > ".join(value) if value else "—"
    if name in ("priority_flags", "themes"):
        return _names(sorted(value))
    if name in ("response", "visibility"):
        choices = Response.choices if name == "response" else Visibility.choices
        return str(dict(choices).get(value, value)) if value else "—"
    if value in (None, ""):
        return "—"
    return str(value)


def plan_apply(
    *, plan: ImportPlan, by: User | None, progress=None, on_written=None, reindex: bool = True
) -> dict[str, int]:
    """Write `plan` all or nothing; the history of every record names the file as the reason.

    Built for speed and a short write lock (SQLite has one writer at a time): the records are written
    with plain multi-row statements in batches inside one transaction (`bulk.write`, one history row
    per record), and the search index is brought up to date after the commit, in short transactions
    of its own (`recommendations_reindex`; `reindex=False` leaves it to the caller). `on_written(ids)`
    is called inside the transaction with the ids written (to record durable follow-up work).
    """
    if plan.blocking:
        raise ImportRefused(
            _("%(file)s: %(count)s problem(s) must be fixed first; nothing was written. First: %(first)s")
            % {"file": plan.file, "count": len(plan.blocking), "first": plan.blocking[0]}
        )
    todo = [e for e in plan.records if e.status != RecordStatus.UNCHANGED]
    for entry in todo:
        if len(entry.reference) > 50:
            raise ImportRefused(
                _("%(file)s: reference %(ref)s is longer than 50 characters; nothing was written.")
                % {"file": plan.file, "ref": entry.reference[:60]}
            )
        if "text" in entry.values and not (entry.values["text"] or "").strip():
            raise ImportRefused(
                _("%(file)s: reference %(ref)s has no text; nothing was written.")
                % {"file": plan.file, "ref": entry.reference}
            )
    with gc_paused(), transaction.atomic():
        ids, written = _bulk_write(plan=plan, todo=todo, by=by, progress=progress)
        derived.recommendations_changed(ids)  # the bulk write sent no signals
        counts = {"new": written[RecordStatus.NEW], "changed": written[RecordStatus.CHANGED]}
        audit_record(
            action=AuditAction.IMPORT,
            user=by,
            object_type="importers.file",
            object_repr=plan.file,
            detail={**counts, "format": plan.format, "sources": sorted({e.source for e in todo})},
        )
        if on_written is not None:
            on_written(ids)
    if reindex:
        from coopreview.search.indexing import recommendations_reindex

        recommendations_reindex(ids=ids)
    return counts


def _history_reason(file: str) -> str:
    """The history reason naming the file, cut to the history column's length (a long file name
    must not make the whole import fail on PostgreSQL)."""
    reason = _("Imported from %(file)s") % {"file": file}
    limit = Recommendation.history.model._meta.get_field("history_change_reason").max_length
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


# The columns of a new record, in the order bulk.write receives them, and their defaults.
NEW_FIELDS = [f for f in Recommendation._meta.concrete_fields]
NEW_COLUMNS = [f.column for f in NEW_FIELDS]
SCALAR_NAMES = {"text", "text_fr", "response", "page", "visibility"}  # plan names that are columns


def _bulk_write(*, plan: ImportPlan, todo: list[RecordPlan], by, progress) -> tuple[list[int], Counter]:
    """Resolve every value (sections, organisations, flags, themes: created once each) into rows of
    column values in the database's form, then hand them to `bulk.write`."""
    reason = _history_reason(plan.file)
    now = timezone.now()
    user_id = by.pk if by is not None and getattr(by, "is_authenticated", False) else None
    lookups = _Lookups()
    sources: dict[str, Source] = {}
    for symbol in dict.fromkeys(e.source for e in todo):
        source = _source_for(symbol)
        if source is None:
            source, _created = rec_services.source_get_or_create(
                symbol=symbol, by=by, reason=reason, title=symbol
            )
        sources[symbol] = source
    updating = [e.reference for e in todo if e.status == RecordStatus.CHANGED]
    current: dict[tuple[int, str], int] = {}
    if updating:
        rows = Recommendation.objects.filter(source__in=list(sources.values()))
        if len(updating) < 5000:  # a long IN list would pass SQLite's limit on bound parameters
            rows = rows.filter(reference__in=updating)
        current = {(s, ref): pk for s, ref, pk in rows.values_list("source_id", "reference", "pk")}
    now_db = bulk.db_datetime(now)
    dates = {s.pk: bulk.db_date(s.date) for s in sources.values()}
    defaults = {f.attname: f.get_default() for f in NEW_FIELDS}
    defaults.update(created_at=now_db, updated_at=now_db)
    row_of = operator.itemgetter(*(f.attname for f in NEW_FIELDS))
    new_count = sum(1 for e in todo if e.status == RecordStatus.NEW)
    fresh = iter(bulk.allocate_ids(Recommendation, new_count))
    new: list = []
    changed: list = []
    unmatched: list[tuple[int, dict[str, list[str]]]] = []
    for entry in todo:
        source = sources[entry.source]
        data, m2m = _write_values(entry, source=source, lookups=lookups, by=by)
        if entry.status == RecordStatus.NEW:
            values = {**defaults, **data}
            values.update(
                id=next(fresh), source_id=source.pk, source_date=dates[source.pk], reference=entry.reference,
                reference_sort=reference_sort_key(entry.reference),
            )  # fmt: skip
            new.append((row_of(values), m2m))
            if entry.unmatched:
                unmatched.append((values["id"], entry.unmatched))
        else:
            pk = current[(source.pk, entry.reference)]
            wanted = {c.field for c in entry.changes}
            columns = sorted(n for n in data if (n[:-3] if n == "section_id" else n) in wanted)
            changed.append(
                (
                    [*columns, "updated_at"],
                    (*(data[c] for c in columns), now_db, pk),
                    {k: v for k, v in m2m.items() if k in wanted},
                )
            )
    ids = bulk.write(
        new=new, new_columns=NEW_COLUMNS, changed=changed, user_id=user_id, reason=reason, now=now,
        progress=progress,
    )  # fmt: skip
    _keep_unmatched(unmatched, user_id=user_id, now=now)
    return ids, Counter({RecordStatus.NEW: len(new), RecordStatus.CHANGED: len(changed)})


def _keep_unmatched(records: list[tuple[int, dict[str, list[str]]]], *, user_id, now) -> None:
    """New records keep, as text, the names the import could not match (until they are mapped): one
    row per (record, role, name), each with its history record."""
    from coopreview.importers.models import UnmatchedName

    if not records:
        return
    now_db = bulk.db_datetime(now)
    rows = [
        (pk, role, name, now_db, now_db)
        for pk, names_ in records
        for role, values in names_.items()
        for name in dict.fromkeys(v[:200] for v in values)
    ]
    bulk.insert(
        UnmatchedName._meta.db_table, ["recommendation_id", "role", "name", "created_at", "updated_at"], rows
    )
    ids = [pk for pk, _names in records]  # new records: every unmatched name of theirs is new here
    for start in range(0, len(ids), bulk.BATCH):
        bulk.history_copy(
            UnmatchedName, key="recommendation_id", ids=ids[start : start + bulk.BATCH], kind="+",
            user_id=user_id, reason="import", now=now,
        )  # fmt: skip


def _write_values(
    entry: RecordPlan, *, source: Source, lookups: _Lookups, by
) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """(column values by attribute name, many-to-many target ids by field) of `entry`."""
    data: dict[str, Any] = {}
    m2m: dict[str, list[int]] = {}
    ids = lookups.org_ids
    for name, value in entry.values.items():
        if name == "section":
            key = (source.pk, tuple(value))
            if key not in lookups.sections:
                section = rec_services.section_get_or_create_path(source=source, titles=value, by=by)
                lookups.sections[key] = section.pk if section is not None else None
            data["section_id"] = lookups.sections[key]
        elif name in ("addressees", "recommended_by"):
            m2m[name] = [
                ids.get(ref.code) or ids.setdefault(ref.code, lookups.orgs.materialise(ref, by=by).pk)
                for ref in value
            ]
        elif name == "priority_flags":
            m2m[name] = [
                (
                    lookups.flags.get(flag.lower())
                    or lookups.flags.setdefault(
                        flag.lower(), rec_services.priority_flag_get_or_create(name=flag)
                    )
                ).pk
                for flag in value
            ]
        elif name == "themes":
            m2m[name] = [
                (
                    lookups.themes.get(t.lower())
                    or lookups.themes.setdefault(
                        t.lower(), rec_services.theme_get_or_create(slug=slugify(t)[:100] or "theme", name=t)
                    )
                ).pk
                for t in value
            ]
        elif name == "visibility":
            if value:
                data[name] = value
        elif name == "text_fr":
            if value or entry.status == RecordStatus.NEW:
                data[name] = value
        elif name in SCALAR_NAMES:
            data[name] = value if value is not None or name == "page" else ""
    return data, m2m


def import_file(
    *,
    path: Path,
    file: str,
    by: User | None,
    format: str = "auto",
    source: str = "",
    mark_flag: str = MARK_FLAG_DEFAULT,
    dry_run: bool = False,
    progress=None,
    max_bytes: int | None = None,
) -> tuple[ImportPlan, dict[str, int] | None]:
    """Parse, plan and (unless dry_run) apply. The one entry point of the CLI and the web confirm step."""
    used, result = parse_file(path, file=file, format=format, progress=progress, max_bytes=max_bytes)
    plan = build_plan(result=result, file=file, format=used, source=source, mark_flag=mark_flag)
    if dry_run:
        return plan, None
    return plan, plan_apply(plan=plan, by=by, progress=progress)
