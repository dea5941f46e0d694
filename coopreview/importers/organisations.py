"""Printed names of addressees and recommending States → Organisation rows.

"Court" → ICC, "Assembly" → ASP, "OTP"/"Office of the Prosecutor" → OTP…; States by English or
French name, United Nations styles and usual variants (see names.py). A State that is not yet in the
registry (UN reviews name States not party to the Rome Statute) is created at apply time as
kind=state, is_state_party=False, with its ISO codes and French name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.core.exceptions import ServiceError
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
        from coopreview.importers.models import NameMapping

        self.by_code: dict[str, Organisation] = {o.code.upper(): o for o in Organisation.objects.all()}
        self.by_name: dict[str, Organisation] = {}
        self._cache: dict[str, OrgRef | None] = {}
        by_pk = {o.pk: o for o in self.by_code.values()}
        for mapping in NameMapping.objects.all():  # confirmed by an editor in an earlier import
            if mapping.organisation_id in by_pk:
                self.by_name[mapping.key] = by_pk[mapping.organisation_id]
        for org in self.by_code.values():
            for label in (org.name, org.name_fr):
                if label:
                    self.by_name.setdefault(names.compact(label), org)

    def resolve(self, name: str) -> OrgRef | None:
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        return self._cache[name]

    def _resolve(self, name: str) -> OrgRef | None:
        key = names.compact(name)
        if not key or names.is_none(name):
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

    def proposals(self, name: str) -> list[OrgRef]:
        """Near misses (≤ 2 edits) for the editor to confirm; never applied without them."""
        refs = []
        for code in names.near_states(name):
            org = self.by_code.get(code)
            refs.append(OrgRef(code=org.code, label=org.name, pk=org.pk) if org else
                        OrgRef(code=code, label=names.state_names(code)[0]))  # fmt: skip
        return refs

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


@transaction.atomic
def name_mapping_confirm(*, name: str, code: str, by=None) -> Organisation:
    """Remember that `name` (as printed) means the organisation `code` (a State is created from its ISO
    code if new): later imports match it, and records keeping it as text get the organisation."""
    from coopreview.importers.models import NameMapping, UnmatchedName

    key = names.compact(name)
    if not key or names.is_none(name):
        raise ServiceError(_("“%(name)s” is not a name.") % {"name": name})
    resolver = OrganisationResolver()
    org = resolver.by_code.get(code.strip().upper())
    if org is None:
        if not names.state_names(code.strip().upper())[2]:
            raise ServiceError(_("“%(code)s” is not a known organisation or State code.") % {"code": code})
        org = resolver.materialise(OrgRef(code=code.strip().upper(), label=""), by=by)
    mapping = NameMapping.objects.filter(key=key).first() or NameMapping(key=key)
    mapping.name, mapping.organisation, mapping.confirmed_by = name.strip()[:200], org, by
    save_with_history(mapping, by=by, reason="confirmed in an import preview")
    for pending in UnmatchedName.objects.select_related("recommendation"):
        if names.compact(pending.name) != key:
            continue
        getattr(pending.recommendation, pending.role).add(org)
        pending._change_reason = f"mapped to {org.code}"
        pending.delete()
    return org
