"""The legal vocabulary of recommendation documents: acronyms, long titles and verbs that mean the same.

Each entry maps every way of writing a concept to one canonical token, so "Accede to the OP-CAT" and
"Ratify the Optional Protocol to the Convention against Torture" become the same words before any
vector is built. Longer phrases are replaced first (the Optional Protocol before the Convention).
Extend the table when a new kind of document brings new names: keys are regular expressions.
"""

import re
from functools import lru_cache

_TORTURE = r"convention against torture(?: and other cruel,? inhuman or degrading treatment or punishment)?"
_CRC = r"convention on the rights of the child"
_ICCPR = r"international covenant on civil and political rights"

# (canonical token, patterns). Order matters: specific before general.
SYNONYMS: list[tuple[str, list[str]]] = [
    ("xopcat", [rf"optional protocol (?:to|of) the {_TORTURE}", r"op-?\s?cat", r"opcat"]),
    (
        "xiccprop2",
        [
            rf"second optional protocol (?:to|of) the {_ICCPR}(?: aiming at the abolition of the death penalty)?",  # noqa: E501 — one regular expression
            r"iccpr-op2",
            r"op2-iccpr",
        ],
    ),
    (
        "xopicescr",
        [
            r"optional protocol (?:to|of) the international covenant on economic,? social and cultural rights",  # noqa: E501 — one regular expression
            r"op-icescr",
        ],
    ),
    (
        "xopcedaw",
        [
            r"optional protocol (?:to|of) the convention on the elimination of all forms of discrimination against women",  # noqa: E501 — one regular expression
            r"op-cedaw",
            r"cedaw-op",
        ],
    ),
    (
        "xopac",
        [
            rf"optional protocol (?:to|of) the {_CRC} on the involvement of children in armed conflicts?",
            r"op-?ac",
            r"opac",
        ],
    ),
    (
        "xopsc",
        [
            rf"optional protocol (?:to|of) the {_CRC} on the sale of children,? child prostitution and child pornography",  # noqa: E501 — one regular expression
            r"op-?sc",
            r"opsc",
        ],
    ),
    (
        "xcrpd",
        [
            r"convention on the rights of (?:persons|people) with disabilities",
            r"crpd",
            r"disabilities convention",
        ],
    ),
    (
        "xcped",
        [
            r"international convention for the protection of all persons from enforced disappearances?",
            r"convention (?:on|against) enforced disappearances?",
            r"icped",
            r"cped",
            r"ced",
        ],
    ),
    (
        "xicrmw",
        [
            r"international convention on the protection of the rights of all migrant workers and members of their families",  # noqa: E501 — one regular expression
            r"migrant workers convention",
            r"icrmw",
            r"cmw",
        ],
    ),
    ("xcat", [_TORTURE, r"uncat", r"cat"]),
    ("xcedaw", [r"convention on the elimination of all forms of discrimination against women", r"cedaw"]),
    (
        "xcerd",
        [
            r"international convention on the elimination of all forms of racial discrimination",
            r"icerd",
            r"cerd",
        ],
    ),
    ("xiccpr", [_ICCPR, r"iccpr"]),
    ("xicescr", [r"international covenant on economic,? social and cultural rights", r"icescr"]),
    ("xcrc", [_CRC, r"crc", r"uncrc"]),
    (
        "xrome",
        [
            r"rome statute(?: of the international criminal court)?",
            r"international criminal court",
            r"icc",
            r"rome treaty",
        ],
    ),
    (
        "xapic",
        [
            r"agreement on (?:the )?privileges and immunities of the (?:international criminal )?court",
            r"apic",
        ],
    ),
    ("xnhri", [r"national human rights (?:institution|commission)s?", r"nhris?", r"ombudsm[ae]n"]),
    ("xparisprinciples", [r"paris principles"]),
    ("xfgm", [r"female genital (?:mutilation|cutting)", r"fgm(?:/c)?"]),
    ("xdeathpenalty", [r"death penalty", r"capital punishment", r"death sentences?"]),
    (
        "xspecialprocedures",
        [
            r"special procedures?(?: mandate holders)?",
            r"special rapporteurs?",
            r"mandate holders",
            r"thematic procedures",
        ],
    ),
    ("xstandinginvitation", [r"standing invitation", r"open invitation"]),
    ("xupr", [r"universal periodic review", r"upr"]),
    ("xhrc", [r"human rights council", r"hrc"]),
    ("xohchr", [r"office of the (?:united nations )?high commissioner for human rights", r"ohchr"]),
    ("xasp", [r"assembly of states parties", r"asp"]),
    ("xotp", [r"office of the prosecutor", r"otp"]),
    (
        "xassetrecovery",
        [
            r"asset recovery",
            r"recovery of assets",
            r"freezing and seizing of assets",
            r"financial investigations?",
        ],
    ),
    ("xtraffick", [r"trafficking in (?:persons|human beings)", r"human trafficking", r"trafficking"]),
    ("xlgbt", [r"sexual orientation(?: and gender identity)?", r"lgbti?", r"same-sex"]),
    # Verbs of becoming bound by a treaty: one ask however it is phrased.
    (
        "xratify",
        [
            r"sign and ratify",
            r"signing and ratifying",
            r"ratify",
            r"ratifying",
            r"ratification of",
            r"ratification",
            r"accede to",
            r"acceding to",
            r"accession to",
            r"accession",
            r"become (?:a )?party to",
            r"becoming (?:a )?party to",
            r"adhere to",
            r"adhering to",
            r"join",
        ],
    ),
    (
        "xabolish",
        [
            r"abolish",
            r"abolition of",
            r"abolition",
            r"eliminate",
            r"elimination of",
            r"eradicate",
            r"eradication of",
            r"put an end to",
            r"end",
        ],
    ),
    ("xmoratorium", [r"moratorium", r"moratoria"]),
    ("xstrengthen", [r"strengthen", r"reinforce", r"enhance", r"intensify", r"step up", r"redouble"]),
    ("xadopt", [r"adopt", r"enact", r"promulgate", r"pass"]),
]

# Readable wording of each token, for methods that read sentences (embeddings): acronyms spelled out.
LONG_FORMS = {
    "xopcat": "Optional Protocol to the Convention against Torture",
    "xiccprop2": "Second Optional Protocol to the ICCPR on the abolition of the death penalty",
    "xopicescr": "Optional Protocol to the Covenant on Economic, Social and Cultural Rights",
    "xopcedaw": "Optional Protocol to the Convention on discrimination against women",
    "xopac": "Optional Protocol on children in armed conflict",
    "xopsc": "Optional Protocol on the sale of children",
    "xcrpd": "Convention on the Rights of Persons with Disabilities",
    "xcped": "Convention against Enforced Disappearance",
    "xicrmw": "Convention on the Rights of Migrant Workers",
    "xcat": "Convention against Torture",
    "xcedaw": "Convention on the Elimination of Discrimination against Women",
    "xcerd": "Convention on the Elimination of Racial Discrimination",
    "xiccpr": "Covenant on Civil and Political Rights",
    "xicescr": "Covenant on Economic, Social and Cultural Rights",
    "xcrc": "Convention on the Rights of the Child",
    "xrome": "Rome Statute of the International Criminal Court",
    "xapic": "Agreement on Privileges and Immunities of the Court",
    "xnhri": "a national human rights institution",
    "xfgm": "female genital mutilation",
    "xdeathpenalty": "death penalty",
    "xspecialprocedures": "special procedures",
    "xupr": "Universal Periodic Review",
    "xhrc": "Human Rights Council",
    "xohchr": "High Commissioner for Human Rights",
    "xasp": "Assembly of States Parties",
    "xotp": "Office of the Prosecutor",
    "xratify": "ratify",
}


def spell_out(text: str) -> str:
    """`text` with acronyms and variants replaced by one readable wording (for sentence models)."""
    text = _REFERENCE.sub("", text)
    text = _TRAILING_PARENS.sub("", text)
    return _COMBINED.sub(
        lambda m: f" {LONG_FORMS.get(_TOKENS[int(m.lastgroup[1:])], m.group(0))} ", text.lower()
    )


# One pass over the text: an alternation of named groups, earlier (more specific) groups first.
_TOKENS = [token for token, _ in SYNONYMS]
_COMBINED = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<g{i}>{'|'.join(patterns)})" for i, (_, patterns) in enumerate(SYNONYMS))
    + r")(?![\w-])"
)


def _token(match: re.Match) -> str:
    return f" {_TOKENS[int(match.lastgroup[1:])]} "  # type: ignore[index]


_REFERENCE = re.compile(r"^\s*(?:R\.?\s*)?\d+(?:\.\d+)*[.)]?\s+")
# UPR reports end each recommendation with the recommending States in brackets: "(Kuwait). );"
_TRAILING_PARENS = re.compile(r"\s*\((?:[^()]*)\)\s*[.;)\s]*$")
_WORD = re.compile(r"[a-zà-öø-ÿ]+(?:-[a-zà-öø-ÿ]+)*|x[a-z0-9]+")
STOPWORDS = frozenset(
    """a an and are as at be by for from has have in into is it its of on or that the their this
    to was were which with within all any such its other also including well further continue
    continued efforts take necessary measures ensure consider state states government country""".split()
)


def expand(text: str) -> str:
    """Lower-case, drop the reference and trailing recommending States, map vocabulary to tokens."""
    text = _REFERENCE.sub("", text)
    text = _TRAILING_PARENS.sub("", text)
    text = text.replace("\u2019", "'").lower()
    return _COMBINED.sub(_token, text)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light suffix stripper: plurals and common inflections, never below four letters."""
    if word.startswith("x") and word[1:].isalnum():
        return word
    for suffix, replacement in (
        ("ies", "y"),
        ("ations", "ate"),
        ("ation", "ate"),
        ("ings", ""),
        ("ing", ""),
        ("ment", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + replacement
    return word


def tokens(text: str) -> list[str]:
    """The content words of `text` after vocabulary expansion and light stemming."""
    return [stem(w) for w in _WORD.findall(expand(text)) if w not in STOPWORDS]


def normalise(text: str) -> str:
    return " ".join(tokens(text))
