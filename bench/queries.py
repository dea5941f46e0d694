"""The fixed query set: 240 queries of mixed kinds, the same in every run (fixed seed)."""

import random
from dataclasses import dataclass

SEED = 9

ONE_WORD = [
    "torture", "rights", "women", "children", "education", "detention", "journalists", "trafficking",
    "ratify", "moratorium", "indigenous", "disabilities", "migrants", "impunity", "police", "prison",
    "gender", "health", "poverty", "corruption", "judiciary", "asylum", "ombudsman", "minorities",
    "discrimination", "violence", "freedom", "religion", "expression", "defenders", "refugees",
    "juvenile", "sexual", "Rome", "cooperation", "statute", "mandate", "racism", "housing", "water",
    "elections", "domestic", "labour", "slavery", "landmines", "accession", "optional", "protocol",
    "criminal", "Roma",
]  # fmt: skip
SEVERAL = [
    "death penalty", "human rights defenders", "freedom of expression", "domestic violence",
    "optional protocol", "rights of the child", "national human rights institution", "Paris Principles",
    "special procedures", "standing invitation", "juvenile justice", "birth registration",
    "female genital mutilation", "trafficking in persons", "corporal punishment", "prison conditions",
    "International Criminal Court", "Rome Statute", "enforced disappearance", "migrant workers",
    "persons with disabilities", "sexual orientation", "gender identity", "violence against women",
    "child labour", "right to education", "freedom of religion", "independence of the judiciary",
    "fight against impunity", "economic social cultural rights",
]  # fmt: skip
PHRASES = [
    '"death penalty"', '"human rights defenders"', '"Rome Statute"', '"standing invitation"',
    '"Convention against Torture"', '"domestic violence"', '"freedom of expression"',
    '"national action plan"', '"rights of the child"', '"Paris Principles"', '"optional protocol"',
    '"special rapporteur"', '"International Criminal Court"', '"persons with disabilities"',
    '"enforced disappearances"', '"juvenile justice"', '"birth registration"', '"gender equality"',
    '"freedom of assembly"', '"Millennium Development Goals"',
]  # fmt: skip
FRENCH = [
    "torture", "peine de mort", "coopération", "Cour pénale internationale", "défenseurs",
    "journalistes", "traite", "éducation", "enfants handicapés", "femmes", "détention", "prisons",
    "impunité", "migrants", "réfugiés", "liberté d'expression", "moratoire", "Statut de Rome",
    "égalité", "pouvoir judiciaire", "Ratifier la Convention", "protection des défenseurs",
    "violences", "demandeurs d'asile", "réunion pacifique",
]  # fmt: skip
FILTER_THEMES = ["torture", "children", "women", "icc", "detention", "justice", "education", "health"]


@dataclass(frozen=True)
class Query:
    kind: str  # one_word, several_words, phrase, filtered, french
    q: str
    theme: str = ""  # a theme slug (filter), blank for none


def query_set() -> list[Query]:
    rng = random.Random(SEED)
    queries = [Query("one_word", w) for w in ONE_WORD]
    queries += [Query("several_words", w) for w in SEVERAL]
    for _ in range(30):  # random pairs of common words: the hard case for scoring every match
        queries.append(Query("several_words", " ".join(rng.sample(ONE_WORD, 2))))
    queries += [Query("phrase", p) for p in PHRASES]
    queries += [Query("phrase", f"{p} {rng.choice(ONE_WORD)}") for p in rng.sample(PHRASES, 20)]
    for _ in range(40):
        theme = rng.choice(FILTER_THEMES)
        queries.append(Query("filtered", rng.choice(ONE_WORD + SEVERAL), theme))
    queries += [Query("french", f) for f in FRENCH]
    queries += [Query("french", f, rng.choice(FILTER_THEMES)) for f in rng.sample(FRENCH, 15)]
    return queries
