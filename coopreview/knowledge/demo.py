"""Sample content for the demonstration. Every entry is marked as sample content (is_sample and a
"Sample" title prefix): it illustrates how the platform works and describes no real State's law."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from coopreview.accounts.models import Organisation
from coopreview.knowledge import services
from coopreview.knowledge.enums import Channel, LegislationStatus, Measure, Visibility
from coopreview.knowledge.models import CaseLaw, Practice, StateProfile

NOTE = " (Sample content written for the demonstration: not a statement of the State's law.)"
NOTE_FR = " (Contenu d'exemple rédigé pour la démonstration : ne décrit pas le droit de l'État.)"

PROFILES = [
    {
        "state": "SEN",
        "measure": Measure.WITNESS_PROTECTION,
        "verified_days_ago": 40,
        "legislation_title": "Sample: law on cooperation with the International Criminal Court",
        "legislation_title_fr": "Exemple : loi relative à la coopération avec la Cour pénale internationale",
        "legislation_status": LegislationStatus.IN_FORCE,
        "competent_authority": "Sample: Ministry of Justice, directorate of criminal affairs",
        "competent_authority_fr": "Exemple : ministère de la Justice, direction des affaires criminelles",
        "channel": Channel.DIPLOMATIC,
        "languages": "French",
        "requirements": "Requests for the relocation of witnesses are made in writing in French, state the "
        "protective measures sought, the number of persons concerned and the expected duration, and "
        "attach the Registry's risk assessment." + NOTE,
        "requirements_fr": "Les demandes de réinstallation de témoins sont écrites en français, indiquent "
        "les "
        "mesures de protection demandées, le nombre de personnes concernées et la durée prévue, et "
        "joignent l'évaluation des risques du Greffe." + NOTE_FR,
        "processing_time": "About three months",
        "processing_time_fr": "Environ trois mois",
        "contact_details": "Sample focal point: +221 00 000 00 00 (demo number)",
        "agreements": "Sample: framework agreement on witness relocation (illustrative).",
        "agreements_fr": "Exemple : accord-cadre sur la réinstallation des témoins (illustratif).",
    },
    {
        "state": "SEN",
        "measure": Measure.ARREST_SURRENDER,
        "verified_days_ago": 500,
        "legislation_title": "Sample: code of criminal procedure, chapter on the ICC",
        "legislation_status": LegislationStatus.IN_FORCE,
        "competent_authority": "Sample: Principal State Prosecutor at the Court of Appeal",
        "channel": Channel.DIPLOMATIC,
        "languages": "French",
        "requirements": "A certified copy of the warrant of arrest, a description of the person sought and "
        "the facts, with a French translation." + NOTE,
        "processing_time": "Several weeks",
    },
    {
        "state": "FRA",
        "measure": Measure.WITNESS_PROTECTION,
        "verified_days_ago": 10,
        "legislation_title": "Sample: law on cooperation with the ICC (illustrative)",
        "legislation_title_fr": "Exemple : loi relative à la coopération avec la CPI (illustrative)",
        "legislation_status": LegislationStatus.IN_FORCE,
        "competent_authority": "Sample: Ministry of Justice, central authority",
        "competent_authority_fr": "Exemple : ministère de la Justice, autorité centrale",
        "channel": Channel.CENTRAL_AUTHORITY,
        "languages": "French, English",
        "requirements": "Relocation requests are assessed case by case and need the consent of the witness "
        "and a confidential annex on security." + NOTE,
        "requirements_fr": "Les demandes de réinstallation sont examinées au cas par cas et exigent le "
        "consentement du témoin et une annexe confidentielle sur la sécurité." + NOTE_FR,
        "processing_time": "Two to six months",
        "processing_time_fr": "Deux à six mois",
    },
    {
        "state": "FRA",
        "measure": Measure.ASSETS,
        "verified_days_ago": 90,
        "legislation_title": "Sample: provisions on the identification and freezing of assets",
        "legislation_status": LegislationStatus.IN_FORCE,
        "competent_authority": "Sample: investigating judge designated for ICC requests",
        "channel": Channel.CENTRAL_AUTHORITY,
        "languages": "French, English",
        "requirements": "Identify the assets as precisely as possible (bank, account, property) and the link "
        "with the case." + NOTE,
        "processing_time": "One to three months",
    },
]


@transaction.atomic
def load_demo() -> None:
    """Idempotent: entries that already exist (by State and measure, or by title) are left alone."""
    states = {o.code: o for o in Organisation.objects.filter(code__in=["SEN", "FRA"])}
    editor = User.objects.filter(username="editor").first()
    focal_point = User.objects.filter(username="state").first()
    profiles = {}
    for row in PROFILES:
        row = dict(row)
        state = states.get(row.pop("state"))
        if state is None:
            continue
        days = row.pop("verified_days_ago")
        existing = StateProfile.objects.filter(state=state, measure=row["measure"]).first()
        if existing is None:
            existing = services.profile_create(
                state=state,
                by=editor,
                reason="Demo content",
                is_sample=True,
                last_verified_on=timezone.localdate() - timedelta(days=days),
                last_verified_by=focal_point if state.code == "SEN" else editor,
                **row,
            )
        profiles[(state.code, existing.measure)] = existing
    if not Practice.objects.filter(title__startswith="Sample: a single liaison").exists():
        services.practice_create(
            by=editor,
            is_sample=True,
            title="Sample: a single liaison officer for witness relocation requests",
            title_fr="Exemple : un officier de liaison unique pour les demandes de réinstallation de témoins",
            summary="How a State might organise one point of entry for the Registry's relocation requests."
            + NOTE,
            summary_fr="Comment un État peut organiser un point d'entrée unique pour les demandes de "
            "réinstallation du Greffe." + NOTE_FR,
            body="<p>The liaison officer acknowledges each request within a week, checks it against "
            "the <strong>form and content requirements</strong> and follows it to a decision.</p>",
            body_fr="<p>L'officier de liaison accuse réception de chaque demande sous une semaine, la "
            "vérifie au regard des <strong>exigences de forme et de contenu</strong> et la suit "
            "jusqu'à la décision.</p>",
            tags="witness protection, relocation, focal points",
            measure=Measure.WITNESS_PROTECTION,
            organisation=states.get("SEN"),
        )
    if not Practice.objects.filter(title__startswith="Sample: members-only").exists():
        services.practice_create(
            by=editor,
            is_sample=True,
            visibility=Visibility.MEMBERS,
            title="Sample: members-only note on confidential financial investigations",
            summary="Shown only to signed-in users of the Court and the States Parties." + NOTE,
            body="<p>Illustrates the <em>States Parties and Court</em> access layer.</p>",
            tags="assets",
            measure=Measure.ASSETS,
        )
    if not CaseLaw.objects.filter(title__startswith="Sample decision").exists():
        witness = [p for key, p in profiles.items() if key[1] == Measure.WITNESS_PROTECTION]
        services.case_law_create(
            by=editor,
            is_sample=True,
            title="Sample decision on protective measures and the relocation of witnesses",
            title_fr="Exemple de décision sur les mesures de protection et la réinstallation des témoins",
            situation="Sample situation",
            case="The Prosecutor v. Sample",
            chamber="Trial Chamber (sample)",
            date=date(2020, 1, 15),
            document_number="ICC-00/00-00/00-SAMPLE-1",
            summary="A fictitious decision illustrating how the platform links case law to the witness "
            "relocation sections of State profiles." + NOTE,
            summary_fr="Une décision fictive montrant comment la plateforme relie la jurisprudence aux "
            "sections des profils d'États sur la réinstallation des témoins." + NOTE_FR,
            topics="witness protection, relocation",
            measure=Measure.WITNESS_PROTECTION,
            profiles=witness,
        )
        services.case_law_create(
            by=editor,
            is_sample=True,
            title="Sample decision on a request for arrest and surrender",
            situation="Sample situation",
            chamber="Pre-Trial Chamber (sample)",
            date=date(2019, 6, 3),
            document_number="ICC-00/00-00/00-SAMPLE-2",
            summary="A fictitious decision on the duty to execute a request for arrest and surrender." + NOTE,
            topics="arrest and surrender",
            measure=Measure.ARREST_SURRENDER,
            profiles=[p for key, p in profiles.items() if key[1] == Measure.ARREST_SURRENDER],
        )
