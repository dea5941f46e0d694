"""Demo data: the seed annex's recommendations, the organisations and one user per role. Idempotent."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from coopreview.accounts.enums import OrganisationKind, Role
from coopreview.accounts.models import Organisation
from coopreview.accounts.services import membership_grant, organisations_load_reference_data
from coopreview.core.apps_registry import demo_loaders
from coopreview.recommendations import services as rec_services
from coopreview.recommendations.models import Recommendation

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_ier_cooperation_annex.json"
DEMO_PASSWORD = "coopreview-demo"  # noqa: S105 — printed on purpose: demo accounts on a local machine


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation: str
    description: str
    first_name: str = ""
    last_name: str = ""


DEMO_USERS = [
    # Invented people: pages show others by name and organisation, never by these sign-in names.
    DemoUser("admin", Role.ADMINISTRATOR, "RM", "administrator (also the Django admin)", "Ingrid", "Vos"),
    DemoUser("editor", Role.EDITOR, "RM", "Review Mechanism editor", "Amara", "Okonkwo"),
    DemoUser(
        "facilitator", Role.FACILITATOR, "FAC-COOP", "co-facilitator on cooperation", "Lucía", "Ferreyra"
    ),
    DemoUser(
        "court",
        Role.COURT_FOCAL_POINT,
        "OTP",
        "Court focal point, Office of the Prosecutor",
        "Tomasz",
        "Lewandowski",
    ),
    DemoUser(
        "registry", Role.COURT_FOCAL_POINT, "REGISTRY", "Court focal point, Registry", "Hélène", "Marchand"
    ),
    DemoUser("state", Role.STATE_FOCAL_POINT, "SEN", "State focal point, Senegal", "Aïssatou", "Ndiaye"),
    DemoUser("observer", Role.OBSERVER, "OBSERVER-DEMO", "observer (read-only)", "Jonas", "Berg"),
]


@transaction.atomic
def demo_load(*, data_file: Path = DEMO_FILE) -> dict[str, int]:
    """Load organisations, users and the seed annex. Running it again changes nothing."""
    organisations_load_reference_data()
    Organisation.objects.get_or_create(
        code="OBSERVER-DEMO",
        defaults={
            "kind": OrganisationKind.OTHER,
            "name": "Observer organisation (demo)",
            "name_fr": "Organisation observatrice (démo)",
        },
    )
    users_created = _demo_users()
    data = json.loads(data_file.read_text(encoding="utf-8"))
    src = data["source"]
    source, _ = rec_services.source_get_or_create(
        symbol=src["symbol"],
        title=src["title"],
        title_fr=src.get("title_fr", ""),
        issuing_body=src.get("issuing_body", ""),
        date=date.fromisoformat(src["date"]),
        language=src["language"],
    )
    flags = {
        f["key"]: rec_services.priority_flag_get_or_create(
            name=f["name"],
            name_fr=f["name_fr"],
            colour=f["colour"],
            description=f["description"],
            description_fr=f.get("description_fr", ""),
            owner=Organisation.objects.filter(code=f["owner"]).first() if f.get("owner") else None,
        )
        for f in data["flags"]
    }
    themes = {t["slug"]: rec_services.theme_get_or_create(**t) for t in data["themes"]}
    organisations = {o.code: o for o in Organisation.objects.filter(code__in={"ICC", "ASP"})}
    created = 0
    for row in data["recommendations"]:
        if Recommendation.objects.filter(source=source, reference=row["reference"]).exists():
            continue
        section = rec_services.section_get_or_create_path(source=source, titles=row["section"])
        rec_services.recommendation_create(
            by=None,
            reason="Demo data (seed annex)",
            source=source,
            reference=row["reference"],
            text=row["text"],
            section=section,
            addressees=[organisations[c] for c in row["addressees"]],
            priority_flags=[flags[k] for k in row["flags"]],
            themes=[themes[t] for t in row["themes"]],
        )
        created += 1
    for loader in demo_loaders():  # each app adds its own demo content (follow-up, meetings, knowledge…)
        loader()
    return {"recommendations": created, "users": users_created}


def _demo_users() -> int:
    created = 0
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = User.objects.create_user(
                demo.username,
                email=f"{demo.username}@example.org",
                password=DEMO_PASSWORD,
                is_staff=demo.role == Role.ADMINISTRATOR,
                is_superuser=demo.role == Role.ADMINISTRATOR,
                first_name=demo.first_name,
                last_name=demo.last_name,
            )
            created += 1
        elif not user.first_name and not user.last_name:  # a demo loaded before the users had names
            user.first_name, user.last_name = demo.first_name, demo.last_name
            user.save(update_fields=["first_name", "last_name"])
        membership_grant(
            user=user, organisation=Organisation.objects.get(code=demo.organisation), role=demo.role
        )
    return created
