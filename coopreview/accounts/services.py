"""Writes for organisations and memberships."""

import csv
from datetime import date
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Membership, Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def organisations_load_reference_data(*, data_dir: Path = DATA_DIR) -> int:
    """Create or update the Court's organs, the Assembly's bodies and the States Parties from the CSV files.

    Idempotent: rows are matched on their code. Returns the number of organisations created.
    """
    created = 0
    with open(data_dir / "institutions.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            parent = Organisation.objects.get(code=row["parent"]) if row["parent"] else None
            _, was_created = Organisation.objects.update_or_create(
                code=row["code"],
                defaults={
                    "kind": row["kind"],
                    "parent": parent,
                    "name": row["name_en"],
                    "name_fr": row["name_fr"],
                },
            )
            created += was_created
    today = timezone.localdate()
    with open(data_dir / "states_parties.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            withdrawn = (
                row["withdrawal_effective"] and date.fromisoformat(row["withdrawal_effective"]) <= today
            )
            _, was_created = Organisation.objects.update_or_create(
                code=row["iso3"],
                defaults={
                    "kind": OrganisationKind.STATE,
                    "iso_alpha2": row["iso2"],
                    "name": row["name_en"],
                    "name_fr": row["name_fr"],
                    "is_state_party": not withdrawn,
                },
            )
            created += was_created
    return created


@transaction.atomic
def membership_grant(*, user: User, organisation: Organisation, role: str) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    """Remove one role; the audit log records it (audit/signals.py), the history keeps the row."""
    membership.delete()
