"""Deterministic corpora: the real UPR recommendations, and at full scale 1,000,000 recommendations and
100,000 knowledge entries recombined from them (fixed seed), bulk-loaded into the bench database.

Loading bypasses the ORM on purpose (one multi-row INSERT/COPY per table inside one transaction, the
FTS index rebuilt once after the load): building a million rows through save() would take hours and
measure nothing the platform does at read time. History rows are not written for bench data.
"""

import csv
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.core.shared_data import upr_dir
from coopreview.recommendations.models import (
    PriorityFlag,
    Recommendation,
    Source,
    Theme,
    reference_sort_key,
)

UPR_CSV = upr_dir() / "upr_recommendations_2008_2011.csv"
SEED = 20261128
FULL_RECOMMENDATIONS = 1_000_000
FULL_KNOWLEDGE = 100_000
RESPONSES = {"support": "supported", "consider": "consider", "implemented": "implemented"}
RESPONSES |= {"implement": "implemented", "reject": "rejected", "unknown": ""}

# slug, English name, French name, keyword pattern deciding membership (deterministic themes)
THEMES = [
    ("torture", "Torture", "Torture", r"tortur"),
    ("death-penalty", "Death penalty", "Peine de mort", r"death penalty|capital punishment|execution"),
    ("children", "Children", "Enfants", r"child|juvenile|minor"),
    ("women", "Women and gender", "Femmes et genre", r"women|gender|girl"),
    ("icc", "International Criminal Court", "Cour pénale internationale", r"criminal court|rome statute"),
    ("detention", "Detention", "Détention", r"detention|detainee|prison"),
    ("expression", "Freedom of expression", "Liberté d'expression", r"expression|journalist|media|press"),
    ("defenders", "Human rights defenders", "Défenseurs des droits", r"defender"),
    ("trafficking", "Trafficking", "Traite", r"traffick"),
    ("migrants", "Migrants and refugees", "Migrants et réfugiés", r"migrant|refugee|asylum"),
    ("indigenous", "Indigenous peoples", "Peuples autochtones", r"indigenous"),
    ("disability", "Disability", "Handicap", r"disabilit"),
    ("education", "Education", "Éducation", r"education|school"),
    ("health", "Health", "Santé", r"health|hiv"),
    ("discrimination", "Discrimination", "Discrimination", r"discriminat|racis"),
    ("justice", "Justice and impunity", "Justice et impunité", r"impunity|judicia|police"),
]
THEME_PATTERNS = [(slug, re.compile(pattern, re.I)) for slug, _, _, pattern in THEMES]

# French clauses: the CSV is English only, so part of the corpus carries a French text built from these.
FR_VERBS = ["Ratifier", "Renforcer", "Adopter", "Garantir", "Poursuivre", "Mettre en œuvre", "Envisager"]
FR_OBJECTS = [
    "la Convention contre la torture et son protocole facultatif",
    "la coopération avec la Cour pénale internationale",
    "le Statut de Rome et l'Accord sur les privilèges et immunités",
    "les mesures de lutte contre la traite des êtres humains",
    "la protection des défenseurs des droits de l'homme et des journalistes",
    "l'abolition de la peine de mort et un moratoire sur les exécutions",
    "l'accès à l'éducation des enfants handicapés",
    "l'égalité entre les femmes et les hommes et la lutte contre les violences",
    "l'indépendance du pouvoir judiciaire et la lutte contre l'impunité",
    "les droits des migrants, des réfugiés et des demandeurs d'asile",
    "la liberté d'expression et de réunion pacifique",
    "les conditions de détention dans les prisons",
]


@dataclass
class Corpus:
    scale: str
    rows: dict = field(default_factory=dict)


def _clean(text: str) -> tuple[str, str]:
    """Split "69.1   The text (Kuwait). );" into ("69.1", "The text (Kuwait).")."""
    text = text.strip().rstrip(");").strip()
    match = re.match(r"^(\d+(?:\.\d+)*)\s+(.*)$", text, re.S)
    return (match.group(1), match.group(2).strip()) if match else ("", text)


def read_upr() -> list[dict]:
    with open(UPR_CSV, encoding="utf-8", errors="replace") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        reference, text = _clean(row["text"])
        if text:
            out.append({**row, "reference": reference, "body": text})
    return out


def _themes_of(text: str) -> list[str]:
    return [slug for slug, pattern in THEME_PATTERNS if pattern.search(text)]


def _state_code(name: str, taken: dict[str, str]) -> str:
    if name not in taken:
        base = "X" + re.sub(r"[^A-Z]", "", name.upper())[:6]
        code, n = base, 1
        while code in taken.values():
            n += 1
            code = f"{base}{n}"
        taken[name] = code
    return taken[name]


def _organisations(names: set[str]) -> dict[str, int]:
    """Organisation ids by State name: existing States by English name, the others created once."""
    by_name = dict(Organisation.objects.filter(kind=OrganisationKind.STATE).values_list("name", "id"))
    codes: dict[str, str] = {}
    missing = sorted(n for n in names if n and n not in by_name)
    Organisation.objects.bulk_create(
        [Organisation(kind=OrganisationKind.STATE, code=_state_code(n, codes), name=n) for n in missing]
    )
    return dict(Organisation.objects.filter(kind=OrganisationKind.STATE).values_list("name", "id"))


def _synthetic(real: list[dict], count: int, rng: random.Random, states: list[str]) -> Iterator[dict]:
    """Recombine real sentences: a clause of one recommendation joined to a clause of another, the
    reviewed State and the recommending State varied, the years moved on to later cycles."""
    clauses = []
    for row in real:
        body = re.sub(r"\s*\([^()]*\)\.?\s*$", "", row["body"])  # drop the trailing "(Kuwait)."
        clauses.extend(c.strip() for c in re.split(r";|, including", body) if len(c.strip()) > 25)
    years = list(range(2012, 2027))
    per_source = 400
    for i in range(count):
        state = states[(i // per_source) % len(states)]
        year = years[(i // (per_source * len(states))) % len(years)]
        base = rng.choice(real)
        text = rng.choice(clauses)
        if rng.random() < 0.6:
            text += "; " + rng.choice(clauses)[0].lower() + rng.choice(clauses)[1:]
        text = text.replace(base["state_under_review"], state)
        yield {
            "state_under_review": state,
            "year": str(year),
            "recommending_state": rng.choice(states),
            "response": base["response"],
            "reference": f"{100 + (i % per_source) // 50}.{i % per_source % 50 + 1}",
            "body": f"{text} ({rng.choice(states)}).",
            "cycle": i // (per_source * len(states) * len(years)),
        }


def _french(rng: random.Random) -> str:
    return f"{rng.choice(FR_VERBS)} {rng.choice(FR_OBJECTS)}."


def _records(n_recommendations: int) -> list[dict]:
    """The real recommendations; cut to the first n, or topped up with synthetic ones to n."""
    rng = random.Random(SEED)
    real = read_upr()
    if not n_recommendations:
        return real
    if n_recommendations <= len(real):
        return real[:n_recommendations]
    states = sorted({r["state_under_review"] for r in real})
    return real + list(_synthetic(real, n_recommendations - len(real), rng, states))


class Loader:
    """Streams rows into the tables in large chunks (executemany on SQLite, COPY on PostgreSQL)."""

    CHUNK = 50_000

    def __init__(self) -> None:
        self.cursor = connection.cursor()
        self.pg = connection.vendor == "postgresql"

    def insert(self, table: str, columns: list[str], rows) -> int:
        total = 0
        if self.pg:
            with self.cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    total += 1
            return total
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 — constants
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= self.CHUNK:
                self.cursor.executemany(sql, chunk)
                total += len(chunk)
                chunk = []
        if chunk:
            self.cursor.executemany(sql, chunk)
            total += len(chunk)
        return total


def _source_date(year: str) -> str:
    """A source's date; the recommendation rows carry a copy (Recommendation.source_date, the list's order),
    which save() keeps in step and this loader, bypassing save(), must write itself."""
    return f"{year}-06-01"


def build(*, n_recommendations: int, n_knowledge: int) -> dict:
    """Load the corpus into the (empty, migrated) default database: the real recommendations (all when
    n_recommendations is 0), topped up or cut to n_recommendations. Returns row counts."""
    rng = random.Random(SEED + 1)
    records = _records(n_recommendations)
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA cache_size=-200000")
        states = {r["state_under_review"] for r in records} | {r["recommending_state"] for r in records}
        org_ids = _organisations(states)
        themes = {}
        for slug, name, name_fr, _pattern in THEMES:
            themes[slug] = Theme.objects.create(slug=slug, name=name, name_fr=name_fr).id
        flag = PriorityFlag.objects.create(name="Bench priority", name_fr="Priorité (banc d'essai)").id
        sources: dict[tuple, int] = {}
        for r in records:
            key = (r["state_under_review"], r["year"], r.get("cycle", 0))
            if key not in sources:
                sources[key] = len(sources) + 1
        Source.objects.bulk_create(
            [
                Source(
                    id=sid,
                    symbol=f"UPR/{year}/{org_ids[state]}" + (f"/{cycle}" if cycle else ""),
                    title=f"Universal Periodic Review of {state} ({year})",
                    issuing_body="Human Rights Council",
                    date=_source_date(year),
                )
                for (state, year, cycle), sid in sources.items()
            ],
            batch_size=5000,
        )
        seen: set[tuple] = set()
        rec_rows, addressees, recommenders, theme_rows, flag_rows = [], [], [], [], []
        restricted_rows = []  # a restricted recommendation is restricted to its addressee State
        for rid, r in enumerate(records, start=1):
            sid = sources[(r["state_under_review"], r["year"], r.get("cycle", 0))]
            reference = r["reference"] or str(rid)
            while (sid, reference) in seen:
                reference += "b"
            seen.add((sid, reference))
            roll = rng.random()
            visibility = "public" if roll < 0.9 else ("members" if roll < 0.98 else "restricted")
            text_fr = _french(rng) if rng.random() < 0.3 else ""
            rec_rows.append(
                (rid, now, now, sid, reference, reference_sort_key(reference), r["body"], text_fr)
                + (None, RESPONSES.get(r["response"], ""), visibility, _source_date(r["year"]))
            )
            addressees.append((rid, org_ids[r["state_under_review"]]))
            if visibility == "restricted":
                restricted_rows.append((rid, org_ids[r["state_under_review"]]))
            if r["recommending_state"] in org_ids:
                recommenders.append((rid, org_ids[r["recommending_state"]]))
            theme_rows.extend((rid, themes[slug]) for slug in _themes_of(r["body"] + " " + text_fr))
            if rng.random() < 0.03:
                flag_rows.append((rid, flag))
        loader = Loader()
        rec = Recommendation._meta.db_table
        cols = ["id", "created_at", "updated_at", "source_id", "reference", "reference_sort", "text"]
        cols += ["text_fr", "page", "response", "visibility", "source_date"]
        loader.insert(rec, cols, rec_rows)
        for field_name, rows, other in [
            ("addressees", addressees, "organisation_id"),
            ("recommended_by", recommenders, "organisation_id"),
            ("themes", theme_rows, "theme_id"),
            ("priority_flags", flag_rows, "priorityflag_id"),
            ("restricted_to", restricted_rows, "organisation_id"),
        ]:
            through = Recommendation._meta.get_field(field_name).remote_field.through
            loader.insert(through._meta.db_table, ["recommendation_id", other], rows)
        n_know = build_knowledge(loader, records, n_knowledge, rng, sorted(set(org_ids.values())))
        _reset_sequences()
    connection.cursor().execute("ANALYZE")
    return {
        "recommendations": len(rec_rows),
        "sources": len(sources),
        "themes": len(theme_rows),
        "addressees": len(addressees),
        "knowledge_entries": n_know,
    }


def _reset_sequences() -> None:
    """The rows were loaded with their ids: on PostgreSQL the id sequences still start at 1, and the
    next recommendation created through the form (the write costs, HTTP pages) would take id 1 again."""
    from django.core.management.color import no_style

    from coopreview.knowledge.models import Practice
    from coopreview.recommendations.models import Recommendation, Source

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Source, Recommendation, Practice]):
            cursor.execute(sql)


def build_knowledge(
    loader: Loader, records: list[dict], count: int, rng: random.Random, states: list[int]
) -> int:
    """Knowledge entries: practices (the knowledge app's own table) whose text recombines real
    recommendations, a fifth of them with a French version, in the three access layers."""
    from coopreview.knowledge.enums import Measure
    from coopreview.knowledge.models import Practice

    measures = [m.value for m in Measure]
    now = timezone.now()

    def rows():
        for i in range(1, count + 1):
            parts = [rng.choice(records)["body"] for _ in range(rng.randint(2, 5))]
            theme = rng.choice(THEMES)
            roll = rng.random()
            visibility = "public" if roll < 0.9 else ("members" if roll < 0.98 else "restricted")
            french = rng.random() < 0.2
            yield (
                i, now, now, visibility, now, now if french else None,
                f"Practice note {i}: {parts[0][:80]}", f"Note de pratique {i}" if french else "",
                parts[0][:300], _french(rng) if french else "",
                "<p>" + "</p><p>".join(parts) + "</p>", "<p>" + _french(rng) + "</p>" if french else "",
                f"{theme[1]}, {rng.randint(2008, 2026)}", rng.choice(states), rng.choice(measures), False,
            )  # fmt: skip

    columns = ["id", "created_at", "updated_at", "visibility", "en_changed_at", "fr_changed_at", "title"]
    columns += ["title_fr", "summary", "summary_fr", "body", "body_fr", "tags", "organisation_id", "measure"]
    columns += ["is_sample"]
    return loader.insert(Practice._meta.db_table, columns, rows())
