"""Column headers → record fields, tolerant of case, spacing, accents and language (English, French)."""

from __future__ import annotations

from coopreview.importers.parsers.base import normalise_header

# normalised header → field. Checked exactly first, then by "starts with".
HEADERS: dict[str, str] = {}
_SYNONYMS = {
    "reference": [
        "reference", "ref", "ref no", "no", "nr", "number", "num", "n", "n o", "numero", "reference no",
        "recommendation no", "recommendation number", "rec no", "id", "paragraph", "para",
    ],
    "text": [
        "text", "recommendation", "recommendations", "recommendation text", "texte", "recommandation",
        "recommandations", "texte de la recommandation", "wording",
    ],
    "text_fr": [
        "text fr", "text french", "french text", "texte fr", "texte francais", "recommendation french",
    ],
    "section": [
        "section", "cluster", "heading", "chapter", "theme cluster", "rubrique", "chapitre", "groupe",
        "section path",
    ],
    "addressees": [
        "addressee", "addressees", "responsible entity", "responsible entities", "responsible",
        "entite responsable",
        "entites responsables", "destinataire", "destinataires", "addressed to", "responsible organ", "actor",
        "acteur",
    ],
    # The State whose review made the recommendation: its addressee, and with the year its source.
    "review_state": [
        "state under review", "state reviewed", "country under review", "etat examine", "etat sous examen",
        "pays examine", "sur",
    ],
    "year": ["year", "annee", "review year", "year of review", "annee de l examen"],
    "recommended_by": [
        "recommended by", "recommending state", "recommending states", "recommending state s", "source state",
        "recommande par", "etat recommandant", "etats recommandants", "from",
    ],
    "priority_flags": ["priority", "priorities", "priority flags", "flags", "priorite", "priorites", "flag"],
    "response": [
        "response", "position", "status", "statut", "reponse", "position of the state", "position de l etat",
        "accepted noted", "supported noted",
    ],
    "themes": ["themes", "theme", "full list of themes", "issues", "topics", "thematique", "thematiques"],
    "page": ["page", "p", "page no"],
    "visibility": ["visibility", "visibilite"],
    "source": [
        "source", "document", "symbol", "document symbol", "source symbol", "cote", "cote du document",
    ],
}  # fmt: skip
for _field, _names in _SYNONYMS.items():
    for _name in _names:
        HEADERS[_name] = _field


def map_header(header: str) -> str | None:
    key = normalise_header(header)
    if not key:
        return None
    if key in HEADERS:
        return HEADERS[key]
    for name, field in sorted(HEADERS.items(), key=lambda kv: -len(kv[0])):
        if len(name) > 3 and key.startswith(name + " "):
            return field
    return None


def map_headers(headers: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column index → field for the known headers, and the headers that are not understood."""
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        if header is None or not str(header).strip():
            continue
        field = map_header(str(header))
        if field is None or field in mapping.values():
            unknown.append(str(header))
        else:
            mapping[index] = field
    return mapping, unknown


def looks_like_header(cells: list[str]) -> bool:
    mapping, _unknown = map_headers(cells)
    return "text" in mapping.values() and len(mapping) >= 2 or {"reference", "text"} <= set(mapping.values())
