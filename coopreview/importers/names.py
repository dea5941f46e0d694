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


def state_code(name: str) -> str | None:
    k = key(name)
    if not k:
        return None
    index = state_index()
    if k in index:
        return index[k]
    if len(k) == 3 and k.upper() in {c.alpha_3 for c in pycountry.countries}:
        return k.upper()
    return None


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
    return INSTITUTIONS.get(key(name))


@lru_cache(maxsize=65536)
def organisation_key(name: str) -> str | None:
    """A canonical code for a printed name (institution code or ISO alpha-3), or None when unknown."""
    return institution_code(name) or state_code(name)


def split_organisations(value: str) -> list[str]:
    return list(_split_organisations(value))


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
