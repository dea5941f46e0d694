"""Names of States and institutions as documents print them → a canonical key, without the database.

States: ISO 3166 via pycountry (English names, official names, common names and French names
from its iso3166-1 translations), plus the United Nations' own styles ("Republic of Korea",
"Bolivia (Plurinational State of)") and common short forms ("Russia", "UK", "Syria").
Institutions of the Rome Statute system by their usual words ("Court", "Assembly", "OTP").
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from functools import cache, lru_cache

import pycountry

INSTITUTIONS = {
    "court": "ICC",
    "the court": "ICC",
    "icc": "ICC",
    "cpi": "ICC",
    "international criminal court": "ICC",
    "cour": "ICC",
    "la cour": "ICC",
    "cour penale internationale": "ICC",
    "assembly": "ASP",
    "the assembly": "ASP",
    "asp": "ASP",
    "aep": "ASP",
    "assembly of states parties": "ASP",
    "assemblee": "ASP",
    "assemblee des etats parties": "ASP",
    "otp": "OTP",
    "office of the prosecutor": "OTP",
    "the prosecutor": "OTP",
    "prosecutor": "OTP",
    "bureau du procureur": "OTP",
    "registry": "REGISTRY",
    "the registry": "REGISTRY",
    "registrar": "REGISTRY",
    "greffe": "REGISTRY",
    "presidency": "PRESIDENCY",
    "the presidency": "PRESIDENCY",
    "presidence": "PRESIDENCY",
    "chambers": "CHAMBERS",
    "chambres": "CHAMBERS",
    "bureau": "BUREAU",
    "bureau of the assembly": "BUREAU",
    "review mechanism": "RM",
    "rm": "RM",
    "mecanisme d examen": "RM",
    "facilitation on cooperation": "FAC-COOP",
}

# United Nations styles and usual short forms that ISO names do not cover.
STATE_ALIASES = {
    "russia": "RUS",
    "russian federation": "RUS",
    "uk": "GBR",
    "united kingdom": "GBR",
    "great britain": "GBR",
    "united kingdom of great britain and northern ireland": "GBR",
    "usa": "USA",
    "us": "USA",
    "united states": "USA",
    "united states of america": "USA",
    "etats unis": "USA",
    "etats unis d amerique": "USA",
    "syria": "SYR",
    "syrian arab republic": "SYR",
    "iran": "IRN",
    "islamic republic of iran": "IRN",
    "iran islamic republic of": "IRN",
    "republic of korea": "KOR",
    "south korea": "KOR",
    "korea": "KOR",
    "democratic people s republic of korea": "PRK",
    "north korea": "PRK",
    "bolivia": "BOL",
    "bolivia plurinational state of": "BOL",
    "plurinational state of bolivia": "BOL",
    "venezuela": "VEN",
    "venezuela bolivarian republic of": "VEN",
    "bolivarian republic of venezuela": "VEN",
    "vietnam": "VNM",
    "viet nam": "VNM",
    "laos": "LAO",
    "lao people s democratic republic": "LAO",
    "libyan arab jamahiriya": "LBY",
    "libya": "LBY",
    "moldova": "MDA",
    "republic of moldova": "MDA",
    "tanzania": "TZA",
    "united republic of tanzania": "TZA",
    "the netherlands": "NLD",
    "netherlands": "NLD",
    "holy see": "VAT",
    "state of palestine": "PSE",
    "palestine": "PSE",
    "czech republic": "CZE",
    "czechia": "CZE",
    "turkey": "TUR",
    "turkiye": "TUR",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "ivory coast": "CIV",
    "cote d ivoire": "CIV",
    "the former yugoslav republic of macedonia": "MKD",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "drc": "COD",
    "congo": "COG",
    "republic of the congo": "COG",
    "micronesia": "FSM",
    "micronesia federated states of": "FSM",
    "brunei": "BRN",
    "brunei darussalam": "BRN",
    "timor leste": "TLS",
    "east timor": "TLS",
    "kyrgyzstan": "KGZ",
    "gambia": "GMB",
    "the gambia": "GMB",
    "bahamas": "BHS",
    "the bahamas": "BHS",
    "cabo verde": "CPV",
    "sao tome and principe": "STP",
    "saint vincent and the grenadines": "VCT",
    "taiwan": "TWN",
}


# Written in a names column to say "no one": never a State (even "NA", Namibia's ISO code).
NONE_KEYS = frozenset({"", "na", "n a", "none", "nil", "null", "aucun", "aucune", "neant", "sans objet"})


def is_none(text: str) -> bool:
    return key(text) in NONE_KEYS


@lru_cache(maxsize=65536)
def compact(text: str) -> str:
    """The key without spaces: "unitedstatesofamerica", "Cote d’Ivoire" and "cotedivoire" agree."""
    return key(text).replace(" ", "")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@cache
def _french() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    except OSError:  # pragma: no cover — translations ship with pycountry
        return gettext.NullTranslations()


@cache
def state_index() -> dict[str, str]:
    """key(name) → ISO alpha-3, English and French names."""
    index: dict[str, str] = {}
    fr = _french()
    for country in pycountry.countries:
        names = {country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")}
        names |= {fr.gettext(n) for n in list(names) if n}
        for name in names:
            if name:
                index.setdefault(key(name), country.alpha_3)
                # "Korea, Republic of" → also "Republic of Korea"
                if ", " in name:
                    head, tail = name.split(", ", 1)
                    index.setdefault(key(f"{tail} {head}"), country.alpha_3)
    for k in list(index):  # leading articles: "the Netherlands", "l'Allemagne"
        for article in ("the ", "la ", "le ", "les ", "l "):
            index.setdefault(article + k, index[k])
    index.update(STATE_ALIASES)
    return index


@cache
def compact_index() -> dict[str, str]:
    """compact(name) → ISO alpha-3, for names written run together ("cotedivoire")."""
    return {k.replace(" ", ""): code for k, code in state_index().items()}


@cache
def _codes() -> tuple[frozenset[str], dict[str, str]]:
    alpha3 = frozenset(c.alpha_3 for c in pycountry.countries)
    alpha2 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    return alpha3, alpha2


def state_code(name: str) -> str | None:
    """ISO alpha-3 of a State written in any case, spacing, punctuation or accents, by its UN short or
    formal name, French name, usual alias or ISO code (codes only when written in capitals)."""
    k = key(name)
    if not k or k in NONE_KEYS:
        return None
    index = state_index()
    if k in index:
        return index[k]
    code = compact_index().get(k.replace(" ", ""))
    if code:
        return code
    alpha3, alpha2 = _codes()
    bare = str(name).strip(" .;,")
    if len(k) == 3 and k.upper() in alpha3 and bare.isupper():  # "NOR", never the word "nor"
        return k.upper()
    if len(bare) == 2 and bare.isupper() and bare in alpha2:
        return alpha2[bare]
    return None


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (limit + 1) as soon as it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=4096)
def near_states(name: str, limit: int = 2) -> tuple[str, ...]:
    """ISO alpha-3 codes of the States whose name is within `limit` edits of `name` (run together),
    nearest first: proposals for the editor to confirm ("kyrgysztan" → KGZ), never applied alone."""
    target = compact(name)
    if len(target) < 5:
        return ()
    scored: dict[str, int] = {}
    for candidate, code in compact_index().items():
        if len(candidate) < 5:
            continue
        distance = _distance(target, candidate, limit)
        if distance <= limit and distance < scored.get(code, limit + 1):
            scored[code] = distance
    return tuple(sorted(scored, key=lambda c: (scored[c], c))[:3])


def state_names(alpha3: str) -> tuple[str, str, str]:
    """(English name as the UN prints it, French name, alpha-2)."""
    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        return alpha3, "", ""
    english = getattr(country, "common_name", None) or country.name
    if ", " in country.name and not getattr(country, "common_name", None):
        head, tail = country.name.split(", ", 1)
        english = f"{head} ({tail})"
    return english, _french().gettext(country.name), country.alpha_2


def institution_code(name: str) -> str | None:
    k = key(name)
    return INSTITUTIONS.get(k) or _compact_institutions().get(k.replace(" ", ""))


@cache
def _compact_institutions() -> dict[str, str]:
    return {k.replace(" ", ""): v for k, v in INSTITUTIONS.items()}


@lru_cache(maxsize=65536)
def organisation_key(name: str) -> str | None:
    """A canonical code for a printed name (institution code or ISO alpha-3), or None when unknown."""
    return institution_code(name) or state_code(name)


def split_organisations(value: str) -> list[str]:
    """The names in a cell, without the ones meaning "no one" ("NA", "None", "-")."""
    return [name for name in _split_organisations(value) if not is_none(name)]


@lru_cache(maxsize=65536)
def _split_organisations(value: str) -> tuple[str, ...]:
    """Split "Mexico; Egypt", "Assembly & Court", "Korea, Republic of", "Bosnia and Herzegovina and
    Serbia" into names, keeping together what is one known name."""
    from coopreview.importers.parsers.base import split_names

    parts = split_names(value)
    merged: list[str] = []
    for part in parts:  # "Korea", " Republic of" → "Korea, Republic of" when that is a known name
        if merged and organisation_key(f"{merged[-1]}, {part}") and not organisation_key(part):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    out: list[str] = []
    for part in merged:
        if organisation_key(part) or not re.search(r"\s(and|et)\s", part):
            out.append(part)
            continue
        pieces = re.split(r"\s+(?:and|et)\s+", part)
        if all(organisation_key(p) for p in pieces):
            out.extend(pieces)
        else:
            out.append(part)
    return tuple(out)
