"""Compare parsed UPR recommendations with the researchers' hand-extracted CSV.

The CSV has one row per recommending State and splits some items further ("86.2.2" for a part of
86.2); recall is counted on the item references as printed in the report (the first two levels),
text match as: the researcher's text (without reference and trailing "(States)") is contained in
the parsed text, compared on letters and digits only.
"""

import csv
import re
from dataclasses import dataclass

from coopreview.core.shared_data import upr_dir
from coopreview.importers.parsers.base import normalise_response

DATA = upr_dir()
RESPONSES = {
    "support": "supported",
    "consider": "consider",
    "implemented": "implemented",
    "reject": "rejected",
}


def squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


@dataclass
class Score:
    expected: int
    found: int
    text_match: int
    response_match: int
    words_match: int
    extra: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.expected

    def line(self, name: str) -> str:
        return (
            f"{name}: references {self.found}/{self.expected} ({self.recall:.1%}), "
            f"text verbatim {self.text_match}/{self.found} ({self.text_match / max(1, self.found):.1%}), "
            f"text ≥90 % of words {self.words_match}/{self.found} "
            f"({self.words_match / max(1, self.found):.1%}), "
            f"response {self.response_match}/{self.found} ({self.response_match / max(1, self.found):.1%}), "
            f"extra references {len(self.extra)}"
        )


REPORTS = DATA / "reports2012-2014"
# Items printed in the reports (under a misprinted number) that the researchers' extraction lacks or
# garbles ("110.43..1110.44"): parsing them is right, so they do not count as extra references.
NOT_IN_EXTRACTION = {
    "algeria": {"129.12", "129.13"},  # printed "128.12"; 129.13 extracted as "129."
    "burundi": {"126.119"},
    "japan": {"147.18", "147.116"},  # printed "146.18", "146.116"
    "slovakia": {"110.44"},
}


def expected_for(state: str) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    name = "expected_albania2010_canada2009.csv" if state.lower() in ("albania", "canada") else ""
    with (DATA / name if name else REPORTS / "expected.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["state_under_review"].lower() != state.lower():
                continue
            m = re.match(r"\s*(\d+(?:\.\d+)*)\.?\s*(.*)", row["text"])
            full, text = m.group(1), m.group(2)
            reference = ".".join(full.split(".")[:2])
            text = re.sub(r"\s*\([^()]*\)\s*[;.,]?\s*$", "", text)
            out.setdefault(reference, ("", RESPONSES.get(row["response"], row["response"])))
            previous = out[reference][0]
            out[reference] = (previous + "\n" + text if text not in previous else previous, out[reference][1])
    return out


def score(records, state: str) -> Score:
    expected = expected_for(state)
    parsed = {r.reference: r for r in records}
    found = text_ok = response_ok = words_ok = 0
    for reference, (texts, response) in expected.items():
        record = parsed.get(reference)
        if record is None:
            continue
        found += 1
        mine = squash(record.text + " ".join(record.recommended_by))
        parts = [squash(re.sub(r"\([^()]*\)", "", t)) for t in texts.split("\n") if t.strip()]
        bare = squash(re.sub(r"\([^()]*\)", "", record.text))
        if all(p[:60] in bare or p[:60] in mine for p in parts):
            text_ok += 1
        words = set(re.findall(r"[a-z0-9]+", record.text.lower()))
        wanted = [
            w
            for t in texts.split("\n")
            for w in re.findall(r"[a-z0-9]+", re.sub(r"\([^()]*\)", "", t).lower())
        ]
        if wanted and sum(w in words for w in wanted) >= 0.9 * len(wanted):
            words_ok += 1
        if normalise_response(record.response) == response:
            response_ok += 1
    extra = sorted(set(parsed) - set(expected) - NOT_IN_EXTRACTION.get(state.lower(), set()))
    return Score(len(expected), found, text_ok, response_ok, words_ok, extra)
