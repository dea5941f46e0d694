"""French of the reports' catalogue, filled with scripts/po_fill.py (kept so it can be run again)."""

FR = {
    "Reports": "Rapports",
    "Page": "Page",
    "of": "sur",
    "Legend": "Légende",
    "As of": "Au",
    "Generated on": "Produit le",
    "Cluster": "Groupe thématique",
    "Source": "Source",
    "Reference": "Référence",
    "%(marker)s: no French translation yet; the original text is shown.": (
        "%(marker)s : pas encore de traduction française ; le texte original est reproduit."
    ),
    "Theme: %(theme)s": "Thème : %(theme)s",
    "Priority: %(flag)s": "Priorité : %(flag)s",
    "Addressed to: %(organ)s": "Adressée à : %(organ)s",
    "Search: “%(q)s”": "Recherche : « %(q)s »",
    "The column(s) %(columns)s need the follow-up module, which is not installed.": (
        "La ou les colonnes %(columns)s nécessitent le module de suivi, qui n’est pas installé."
    ),
    "Annex — List of recommendations": "Annexe — Liste des recommandations",
    "Recommendations": "Recommandations",
    "[EN]": "[EN]",
    "The as-of date %(date)s is in the future.": "La date de situation %(date)s est dans le futur.",
    "The dates are in the wrong order: --since %(since)s is after the as-of date %(as_of)s.": (
        "Les dates sont dans le mauvais ordre : --since %(since)s est postérieure à la date "
        "de situation %(as_of)s."
    ),
    "There is no data as of %(date)s: the earliest of these records dates from %(first)s.": (
        "Aucune donnée au %(date)s : le plus ancien de ces enregistrements date du %(first)s."
    ),
    "No recommendation matches this selection; there is nothing to report.": (
        "Aucune recommandation ne correspond à cette sélection ; il n’y a rien à publier."
    ),
    "Assembly & Court": "Assemblée et Cour",
    "Court": "Cour",
    "Assembly": "Assemblée",
    "Other recommendations": "Autres recommandations",
    "The sheet needs a recommendation reference (--reference).": (
        "La fiche nécessite la référence d’une recommandation (--reference)."
    ),
    "No recommendation with the reference “%(ref)s” is available to you.": (
        "Aucune recommandation portant la référence « %(ref)s » ne vous est accessible."
    ),
    "The reference “%(ref)s” exists in several sources (%(sources)s): choose one with --source.": (
        "La référence « %(ref)s » existe dans plusieurs sources (%(sources)s) : choisissez-en une "
        "avec --source."
    ),
    "There is no data as of %(date)s: this recommendation was recorded on %(first)s.": (
        "Aucune donnée au %(date)s : cette recommandation a été enregistrée le %(first)s."
    ),
    "Created": "Création",
    "Changed": "Modification",
    "Deleted": "Suppression",
    "Cluster / section": "Groupe thématique / section",
    "Addressees": "Destinataires",
    "Recommended by": "Recommandée par",
    "Response": "Réponse",
    "Priorities": "Priorités",
    "Themes": "Thèmes",
    "Recommendation %(ref)s": "Recommandation %(ref)s",
    "History": "Historique",
    "Recommendation": "Recommandation",
    "Annex table": "Tableau en annexe",
    "Progress report": "Rapport d’avancement",
    "Recommendation sheet": "Fiche de recommandation",
    "PDF": "PDF",
    "Word": "Word",
    "Excel": "Excel",
    "Printable HTML": "HTML imprimable",
    "No.": "N°",
    "Responsible entity": "Entité responsable",
    "Organ or body": "Organe",
    "Status": "État d’avancement",
    "Lead": "Chef de file",
    "Stakeholder views": "Avis des parties prenantes",
    "%(what)s: nothing is called “%(value)s”.": "%(what)s : rien ne s’appelle « %(value)s ».",
    "%(what)s: “%(value)s” is ambiguous; give it in full.": (
        "%(what)s : « %(value)s » est ambigu ; indiquez-le en entier."
    ),
    "--addressee: “%(value)s” is not one of %(choices)s.": (
        "--addressee : « %(value)s » ne fait pas partie de %(choices)s."
    ),
    "Unknown column(s): %(unknown)s. Choose among: %(known)s.": (
        "Colonne(s) inconnue(s) : %(unknown)s. Choisissez parmi : %(known)s."
    ),
    "Report": "Rapport",
    "Format": "Format",
    "Language": "Langue",
    "Changes since": "Changements depuis le",
    "Columns": "Colonnes",
    "Title": "Titre",
    "One sheet per cluster": "Une feuille par groupe thématique",
    "“%(value)s” is not a known %(name)s. Choose among: %(choices)s.": (
        "« %(value)s » n’est pas une valeur connue pour « %(name)s ». Choisissez parmi : %(choices)s."
    ),
    "The dates are in the wrong order: “since” (%(since)s) is after “as of” (%(as_of)s).": (
        "Les dates sont dans le mauvais ordre : « depuis le » (%(since)s) est postérieure à "
        "« au » (%(as_of)s)."
    ),
    "The sheet needs the reference of a recommendation.": (
        "La fiche nécessite la référence d’une recommandation."
    ),
    "Cannot write %(path)s: %(error)s": "Impossible d’écrire %(path)s : %(error)s",
    "Public records only (use --as-user to report what a user may see).": (
        "Enregistrements publics uniquement (utilisez --as-user pour ce qu’un utilisateur peut voir)."
    ),
    "Wrote %(path)s": "Fichier écrit : %(path)s",
    "No active user named “%(name)s”.": "Aucun utilisateur actif nommé « %(name)s ».",
    "Download a report of this selection": "Télécharger un rapport de cette sélection",
    "Columns of the annex": "Colonnes de l’annexe",
    "Download %(label)s": "Télécharger en %(label)s",
    "This recommendation in full (parts per addressee, history, actions, updates), to circulate:": (
        "Cette recommandation en entier (parties par destinataire, historique, actions, mises à jour), "
        "à diffuser :"
    ),
    "The report cannot be made": "Le rapport ne peut pas être produit",
    "Back to the recommendations": "Retour aux recommandations",
    "Not yet categorised": "Pas encore catégorisée",
    "Total": "Total",
    "created": "création",
    "changed": "modification",
    "deleted": "suppression",
    "The progress report needs the follow-up module, which is not installed.": (
        "Le rapport d’avancement nécessite le module de suivi, qui n’est pas installé."
    ),
    "Progress report on the implementation of the recommendations": (
        "Rapport sur l’état de mise en œuvre des recommandations"
    ),
    "Recommendations by status and cluster": "Recommandations par état d’avancement et groupe thématique",
    "Recommendations by status": "Recommandations par état d’avancement",
    "Status of each recommendation as of %(date)s": "État de chaque recommandation au %(date)s",
    "Changes since %(date)s": "Changements depuis le %(date)s",
    "No change in the follow-up over this period.": "Aucun changement dans le suivi sur cette période.",
    "Narrative": "Exposé",
    "Date": "Date",
    "By": "Par",
    "Change": "Changement",
    "Record": "Élément",
    "Details": "Détails",
    "approved by %(who)s on %(date)s": "approuvée par %(who)s le %(date)s",
    "proposed, not yet approved": "proposée, pas encore approuvée",
    "Categorisation": "Catégorisation",
    "lead: %(lead)s": "chef de file : %(lead)s",
    "Parts per addressee": "Parties par destinataire",
    "due %(date)s": "échéance le %(date)s",
    "Actions and progress updates": "Actions et points d’avancement",
    "Status history": "Historique des états",
    "None of these recommendations was open to you on %(date)s: there is nothing to report.": (
        "Aucune de ces recommandations ne vous était accessible le %(date)s : il n’y a rien à présenter."
    ),
}
