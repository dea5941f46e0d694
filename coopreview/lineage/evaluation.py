"""A labelled evaluation set built from real UPR recommendations, and recall@5 / MRR per method.

How the set is built (see data/README.md): each recommendation of the 2008–2011 UPR corpus gets
"ask keys" from hand-written rules (a treaty named together with a verb of joining it, a standing
invitation, a moratorium on the death penalty, a Paris-Principles institution…). The rules are
deliberately separate from the ranking vocabulary, so the methods are not graded by their own
table. A query is a recommendation with exactly one key; its relevant answers are the earlier
recommendations of the same review (same State, same year) carrying that key; it must repeat at
least one earlier ask, and every other recommendation of the review with that key counts as right:
- "same_review": several States made the same ask to one State in one review;
- "paraphrase": the same, where every right answer is worded differently (acronym vs full title,
  another verb), plus hand-written paraphrases of real asks ("Accede to the OP-CAT" for a State that was asked
  to "ratify the Optional Protocol to the Convention against Torture");
- "cross_year": a 2011 ask with the answers of earlier years addressed to any State (widened search).
"""

import csv
import hashlib
import json
import os
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coopreview.lineage.similarity import Item, make_ranker

DATA_DIR = Path(__file__).resolve().parent / "data"
EVAL_FILE = DATA_DIR / "eval_upr.jsonl"
_UPR_NAME = "data/upr/upr_recommendations_2008_2011.csv"
# The shared data folder: /work/shared on the workplace, or a shared/ beside the repository (CI).
UPR_CSV = next(
    (
        p
        for p in (
            Path(os.environ.get("COOPREVIEW_UPR_CSV", "/nonexistent")),
            Path("/work/shared") / _UPR_NAME,
            Path(__file__).resolve().parents[3] / "shared" / _UPR_NAME,
        )
        if p.exists()
    ),
    Path("/work/shared") / _UPR_NAME,
)

_JOIN = r"ratif|accede|accession|become (?:a )?part|becoming (?:a )?part|adher|sign"
TREATY_KEYS = {
    "opcat": r"OP-?\s?CAT|Optional Protocol (?:to|of) the Convention against Torture",
    "crpd": r"CRPD|Rights of Persons with Disabilities",
    "cped": r"Enforced Disappearance|\bI?C?PED\b|\bCED\b",
    "icrmw": r"Migrant Workers|ICRMW|\bCMW\b",
    "rome": r"Rome Statute|International Criminal Court|\bICC\b",
    "iccpr-op2": r"Second Optional Protocol",
    "opcedaw": r"Optional Protocol (?:to|of) (?:the )?(?:CEDAW|Convention on the Elimination of All Forms of Discrimination against Women)",  # noqa: E501 — one regular expression
    "opicescr": r"Optional Protocol (?:to|of) the International Covenant on Economic",
    "refugees": r"1951 (?:Refugee )?Convention|Status of Refugees",
    "statelessness": r"Statelessness|Stateless Persons",
    "ilo169": r"ILO Convention (?:No\.? ?)?169|Convention No\.? ?169",
}
OTHER_KEYS = {
    "standing-invitation": r"standing invitation|open invitation",
    "moratorium": r"moratorium",
    "nhri": r"Paris Principles",
    "fgm": r"female genital",
    "corporal-punishment": r"corporal punishment",
}
_TREATY = {k: re.compile(v, re.IGNORECASE) for k, v in TREATY_KEYS.items()}
_OTHER = {k: re.compile(v, re.IGNORECASE) for k, v in OTHER_KEYS.items()}
_JOIN_RE = re.compile(_JOIN, re.IGNORECASE)

# Hand-written paraphrases: (key, text). Each is asked of every State that received that ask.
PARAPHRASES = [
    ("opcat", "Accede to the OP-CAT"),
    (
        "opcat",
        "Become a party to the Optional Protocol against torture and set up a national preventive mechanism",
    ),
    ("crpd", "Join the Disabilities Convention"),
    ("crpd", "Accede to the CRPD"),
    (
        "cped",
        "Become party to the International Convention for the Protection of All Persons from Enforced Disappearance",  # noqa: E501 — one regular expression
    ),
    ("rome", "Accede to the ICC"),
    ("rome", "Join the International Criminal Court's founding treaty, the Rome Statute"),
    ("icrmw", "Accede to the ICRMW"),
    ("iccpr-op2", "Become party to the second protocol to the ICCPR abolishing capital punishment"),
    ("standing-invitation", "Invite all special rapporteurs with an open invitation"),
    ("moratorium", "Suspend executions through a moratorium on capital punishment"),
]


def ask_keys(text: str) -> frozenset[str]:
    keys = {k for k, r in _OTHER.items() if r.search(text)}
    if _JOIN_RE.search(text):
        keys |= {k for k, r in _TREATY.items() if r.search(text)}
    return frozenset(keys)


@dataclass(frozen=True)
class Row:
    id: int
    text: str
    state: str
    year: str
    recommending: str


def load_corpus(path: Path = UPR_CSV) -> list[Row]:
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        return [
            Row(i, r["text"], r["state_under_review"], r["year"], r["recommending_state"])
            for i, r in enumerate(csv.DictReader(f))
        ]


def corpus_digest(path: Path = UPR_CSV) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _surface(text: str) -> str:
    """Which wording a recommendation uses: acronym or title, and its verb (for paraphrase pairs)."""
    acronym = bool(re.search(r"\b(?:OP-?CAT|CRPD|ICRMW|CED|ICCPR|CEDAW|ICC)\b", text))
    verb = (re.search(r"ratif|accede|accession|party|adher|sign|invit|moratorium", text, re.I) or [""])[0]
    return f"{acronym}:{verb.lower()}"


def build_cases(rows: Sequence[Row], *, seed: int = 20260101) -> list[dict]:
    """The labelled cases, deterministic for a given corpus and seed."""
    keys = {r.id: ask_keys(r.text) for r in rows}
    by_review: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        by_review[(r.state, r.year)].append(r)
    cases: list[dict] = []
    for (state, _year), review in by_review.items():
        for query in review:
            if len(keys[query.id]) != 1:
                continue
            (key,) = keys[query.id]
            group = [
                r
                for r in review
                if r.id != query.id and key in keys[r.id] and r.recommending != query.recommending
            ]
            if not any(r.id < query.id for r in group):
                continue  # the query must repeat an earlier ask
            base = {"query_id": query.id, "text": query.text, "party": state, "key": key}
            cases.append({**base, "category": "same_review", "relevant": [r.id for r in group]})
            if all(_surface(r.text) != _surface(query.text) for r in group):
                cases.append({**base, "category": "paraphrase", "relevant": [r.id for r in group]})
    states_with = defaultdict(list)
    for r in rows:
        if len(keys[r.id]) == 1:
            states_with[(next(iter(keys[r.id])), r.state)].append(r.id)
    rng = random.Random(seed)
    for n, (key, text) in enumerate(PARAPHRASES):
        states = sorted({s for (k, s) in states_with if k == key})
        for state in rng.sample(states, min(4, len(states))):
            cases.append(
                {
                    "query_id": -(n * 1000 + len(cases)) - 1,
                    "text": text,
                    "party": state,
                    "key": key,
                    "category": "paraphrase",
                    "relevant": states_with[(key, state)],
                }
            )
    earlier_years = defaultdict(list)
    for r in rows:
        if r.year < "2011" and len(keys[r.id]) == 1:
            earlier_years[next(iter(keys[r.id]))].append(r.id)
    later = [r for r in rows if r.year == "2011" and len(keys[r.id]) == 1]
    for query in rng.sample(later, min(150, len(later))):
        (key,) = keys[query.id]
        if earlier_years[key]:
            cases.append(
                {
                    "query_id": query.id,
                    "text": query.text,
                    "party": query.state,
                    "key": key,
                    "category": "cross_year",
                    "relevant": earlier_years[key],
                }
            )
    return cases


def write_cases(cases: Iterable[dict], path: Path = EVAL_FILE, *, digest: str = "") -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"corpus": UPR_CSV.name, "sha256": digest}) + "\n")
        for case in cases:
            if case["category"] == "cross_year":
                # Hundreds of right answers: stored as the rule that yields them, not as ids.
                case = {**case, "relevant": "earlier-years-same-key"}
            f.write(json.dumps(case, ensure_ascii=False) + "\n")


def read_cases(path: Path = EVAL_FILE) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[1:] if line.strip()]


def evaluate(
    method: str, cases: Sequence[dict], rows: Sequence[Row], *, k: int = 5, widen_categories=("cross_year",)
) -> dict[str, dict[str, float]]:
    """recall@k and MRR (over the first relevant answer in the top 50) per category and overall."""
    from coopreview.lineage import similarity

    similarity.EMBEDDING_CACHE = {} if method == "embeddings" else None
    try:
        return _evaluate(method, cases, rows, k=k, widen_categories=widen_categories)
    finally:
        similarity.EMBEDDING_CACHE = None


def _evaluate(method: str, cases: Sequence[dict], rows: Sequence[Row], *, k: int, widen_categories) -> dict:
    earlier: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r.year < "2011" and len(keys := ask_keys(r.text)) == 1:
            earlier[next(iter(keys))].append(r.id)
    ranker_by_pool = {}
    results: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    for category in sorted({c["category"] for c in cases}):
        chosen = [c for c in cases if c["category"] == category]
        widen = category in widen_categories
        if widen:
            pool = [Item(r.id, r.text, frozenset({r.state})) for r in rows if r.year < "2011"]
        else:
            pool = [Item(r.id, r.text, frozenset({r.state})) for r in rows]
        cache_key = (widen, len(pool))
        if cache_key not in ranker_by_pool:
            ranker_by_pool[cache_key] = make_ranker(method, widen=widen).fit(pool)
        ranker = ranker_by_pool[cache_key]
        queries = [Item(c["query_id"], c["text"], frozenset({c["party"]})) for c in chosen]
        for case, matches in zip(chosen, ranker.rank(queries, top=50), strict=True):
            relevant = set(case["relevant"] if isinstance(case["relevant"], list) else earlier[case["key"]])
            rank = next((i + 1 for i, m in enumerate(matches) if m.candidate_id in relevant), None)
            results[category].append((rank is not None and rank <= k, 1 / rank if rank else 0.0))
    summary = {}
    everything = [x for values in results.values() for x in values]
    for name, values in [*sorted(results.items()), ("all", everything)]:
        summary[name] = {
            "queries": len(values),
            f"recall@{k}": round(sum(hit for hit, _ in values) / len(values), 4),
            "mrr": round(sum(rr for _, rr in values) / len(values), 4),
        }
    return summary
