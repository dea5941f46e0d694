"""Printed names of addressees and recommending States → Organisation rows.

"Court" → ICC, "Assembly" → ASP, "OTP"/"Office of the Prosecutor" → OTP…; States by English or
French name, United Nations styles and usual variants (see names.py). A State that is not yet in the
registry (UN reviews name States not party to the Rome Statute) is created at apply time as
kind=state, is_state_party=False, with its ISO codes and French name.
"""

from __future__ import annotations

from dataclasses import dataclass

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.core.history import save_with_history
from coopreview.importers import names


@dataclass(frozen=True)
class OrgRef:
    """A resolved name: an existing organisation (pk) or a State to create (code)."""

    code: str
    label: str
    pk: int | None = None


class OrganisationResolver:
    """Resolves names with a few queries for a whole file (cached per code and name)."""

    def __init__(self) -> None:
        self.by_code: dict[str, Organisation] = {o.code.upper(): o for o in Organisation.objects.all()}
        self.by_name: dict[str, Organisation] = {}
        self._cache: dict[str, OrgRef | None] = {}
        for org in self.by_code.values():
            for label in (org.name, org.name_fr):
                if label:
                    self.by_name.setdefault(names.key(label), org)

    def resolve(self, name: str) -> OrgRef | None:
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        return self._cache[name]

    def _resolve(self, name: str) -> OrgRef | None:
        key = names.key(name)
        if not key:
            return None
        org = self.by_name.get(key) or self.by_code.get(name.strip().upper())
        if org is None:
            code = names.organisation_key(name)
            org = self.by_code.get(code) if code else None
            if org is None and code and len(code) == 3 and code.isalpha() and names.state_code(name):
                return OrgRef(code=code, label=name.strip())
        if org is None:
            return None
        return OrgRef(code=org.code, label=org.name, pk=org.pk)

    def materialise(self, ref: OrgRef, *, by=None) -> Organisation:
        if ref.pk is not None:
            return self.by_code[ref.code.upper()]
        existing = self.by_code.get(ref.code.upper())
        if existing is not None:
            return existing
        english, french, alpha2 = names.state_names(ref.code)
        org = Organisation(
            kind=OrganisationKind.STATE,
            code=ref.code,
            name=ref.label or english,
            name_fr=french,
            iso_alpha2=alpha2,
            is_state_party=False,
        )
        org.full_clean()
        save_with_history(org, by=by, reason="Created by an import")
        self.by_code[org.code.upper()] = org
        return org
