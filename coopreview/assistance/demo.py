"""Demo content: templates written as a Court user would, a taxonomy of obstacles, a request from the
Office of the Prosecutor to Senegal followed through its first statuses and a Registry draft. Sample
content only (no real request). Idempotent: nothing is added twice."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from coopreview.accounts.models import Organisation
from coopreview.assistance import services
from coopreview.assistance.enums import Direction, Kind, Language, Status
from coopreview.assistance.models import AssistanceRequest, Obstacle, RequestTemplate
from coopreview.knowledge.models import Practice
from coopreview.recommendations.models import Recommendation

ARREST_EN = """To: {{ authority }}, {{ state }}
Through: {{ channel }}
Reference: {{ reference }}

Subject: {{ subject }}

The {{ organ }} presents its compliments and, pursuant to Part 9 of the Rome Statute and {{ legal_basis }}, \
requests the arrest and surrender of the person named in the attached warrant.

The requirements of the requested State have been taken into account: {{ requirements }}

The {{ organ }} would be grateful for an acknowledgement of this request and for its execution by \
{{ deadline }}. Contact: {{ contact }}

This request and its annexes are confidential."""

ARREST_FR = """À : {{ authority }}, {{ state }}
Par : {{ channel }}
Référence : {{ reference }}

Objet : {{ subject }}

Le {{ organ }} présente ses compliments et, en application du chapitre IX du Statut de Rome et de \
{{ legal_basis }}, demande l'arrestation et la remise de la personne visée par le mandat ci-joint.

Les exigences de l'État requis ont été prises en compte : {{ requirements }}

Le {{ organ }} saurait gré de bien vouloir accuser réception de la présente demande et l'exécuter d'ici \
le {{ deadline }}. Contact : {{ contact }}

La présente demande et ses annexes sont confidentielles."""

RELOCATION_EN = """To: {{ authority }}, {{ state }}
Through: {{ channel }}
Reference: {{ reference }}

Subject: {{ subject }}

The {{ organ }} requests the relocation of the witnesses described in the confidential annex, under \
{{ legal_basis }}. Requirements noted: {{ requirements }}

Contact: {{ contact }}"""

TEMPLATES = [
    {
        "kind": Kind.ARREST_SURRENDER,
        "language": Language.EN,
        "title": "Sample: request for arrest and surrender",
        "body": ARREST_EN,
        "checklist": "Certified copy of the warrant of arrest attached\nDescription of the person sought\n"
        "Statement of the facts",
    },
    {
        "kind": Kind.ARREST_SURRENDER,
        "language": Language.FR,
        "title": "Exemple : demande d'arrestation et de remise",
        "body": ARREST_FR,
        "checklist": "Copie certifiée du mandat d'arrêt jointe\nDescription de la personne recherchée\n"
        "Exposé des faits",
    },
    {
        "kind": Kind.WITNESS_PROTECTION,
        "language": Language.EN,
        "title": "Sample: request for the relocation of witnesses",
        "body": RELOCATION_EN,
        "checklist": "Registry risk assessment attached\nConsent of the witnesses recorded",
    },
]

OBSTACLES = [
    ("No implementing legislation", "Absence de législation d'application"),
    ("Request not in an accepted language", "Demande rédigée dans une langue non acceptée"),
    ("Competent authority unclear", "Autorité compétente incertaine"),
    ("Missing annexes or formalities", "Annexes ou formalités manquantes"),
    ("Person or assets not found", "Personne ou avoirs introuvables"),
    ("Delays in domestic proceedings", "Retards des procédures internes"),
]


@transaction.atomic
def load_demo() -> None:
    for row in TEMPLATES:
        RequestTemplate.objects.get_or_create(
            kind=row["kind"], language=row["language"], title=row["title"], defaults=row
        )
    for name, name_fr in OBSTACLES:
        Obstacle.objects.get_or_create(name=name, defaults={"name_fr": name_fr})
    # An obstacle linked to what addresses it: a recommendation on cooperation and the sample practice.
    annex = Obstacle.objects.get(name="Competent authority unclear")
    recommendation = Recommendation.objects.filter(text__icontains="focal point").order_by("pk").first()
    if recommendation is not None:
        annex.recommendations.add(recommendation)
    practice = Practice.objects.filter(title__startswith="Sample: a single liaison").first()
    if practice is not None:
        annex.practices.add(practice)
    _demo_requests()


def _demo_requests() -> None:
    court, registry = (
        User.objects.filter(username="court").first(),
        User.objects.filter(username="registry").first(),
    )
    state_user = User.objects.filter(username="state").first()
    codes = {o.code: o for o in Organisation.objects.filter(code__in=["OTP", "REGISTRY", "SEN"])}
    if not (court and registry and state_user and len(codes) == 3):
        return
    if AssistanceRequest.objects.filter(title__startswith="Sample:").exists():
        return
    today = timezone.localdate()
    arrest = services.request_draft(
        by=court,
        requesting_organ=codes["OTP"],
        requested_state=codes["SEN"],
        kind=Kind.ARREST_SURRENDER,
        language=Language.FR,
        title="Sample: arrest and surrender of a suspect (demonstration)",
        template=RequestTemplate.objects.filter(kind=Kind.ARREST_SURRENDER, language=Language.FR).first(),
        deadline=today + timedelta(days=10),
    )
    services.request_tick(request=arrest, by=court, done=range(len(arrest.checklist)))
    services.request_set_status(request=arrest, by=court, status=Status.SENT, on=today - timedelta(days=20))
    services.request_set_status(
        request=arrest,
        by=state_user,
        status=Status.ACKNOWLEDGED,
        on=today - timedelta(days=12),
        note="Received by the Ministry of Justice (sample).",
    )
    services.correspondence_add(
        request=arrest,
        by=state_user,
        direction=Direction.INCOMING,
        on=today - timedelta(days=12),
        summary="Note verbale acknowledging receipt (sample).",
    )
    services.request_draft(
        by=registry,
        requesting_organ=codes["REGISTRY"],
        requested_state=codes["SEN"],
        kind=Kind.WITNESS_PROTECTION,
        language=Language.EN,
        title="Sample: relocation of two witnesses (demonstration)",
        template=RequestTemplate.objects.filter(kind=Kind.WITNESS_PROTECTION, language=Language.EN).first(),
        deadline=today + timedelta(days=45),
    )
