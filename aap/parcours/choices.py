"""Vocabulaire des parcours : catégories de public, freins, modes et présences des rendez-vous, sphères de
réorientation, types de sortie et leurs familles (schéma 2023-2027 §4, fiches 2026 F01-F03).

Ce sont des listes fermées (minimum de données, pas de texte libre sensible). Les seuils des règles, eux, sont
dans le catalogue (`parcours:` et `charte:` des fiches), jamais ici.
"""

from __future__ import annotations

from django.db import models


class CategoriePublic(models.TextChoices):
    BRSA = "brsa", "Bénéficiaire du RSA"
    JEUNE_MOINS_26 = "jeune_moins_26", "Jeune de moins de 26 ans"
    EX_BRSA = "ex_brsa", "Ex-bénéficiaire du RSA en suite de parcours"
    DIFFICULTE_LOGEMENT = "difficulte_logement", "Ménage en difficulté de logement"


class Organisme(models.TextChoices):
    CAF = "caf", "CAF"
    MSA = "msa", "MSA"


class NatureJustificatif(models.TextChoices):
    """Justificatifs conservés par la structure : l'application n'enregistre que leur nature et leur date de
    vérification, jamais la pièce."""

    PIECE_IDENTITE = "piece_identite", "Pièce d'identité (moins de 26 ans)"
    ATTESTATION_CAF = "attestation_caf", "Attestation CAF/MSA de droits au RSA le mois d'entrée"
    AGREMENT_IAE = "agrement_iae", "Agrément IAE"
    CONTRAT_TRAVAIL = "contrat_travail", "Contrat de travail"
    JUSTIFICATIF_LOGEMENT = "justificatif_logement", "Justificatif de la difficulté de logement"


#: Justificatifs attendus pour chaque catégorie de public.
JUSTIFICATIFS_ATTENDUS: dict[str, tuple[str, ...]] = {
    CategoriePublic.BRSA: (NatureJustificatif.ATTESTATION_CAF,),
    CategoriePublic.JEUNE_MOINS_26: (NatureJustificatif.PIECE_IDENTITE,),
    CategoriePublic.EX_BRSA: (NatureJustificatif.AGREMENT_IAE, NatureJustificatif.CONTRAT_TRAVAIL),
    CategoriePublic.DIFFICULTE_LOGEMENT: (NatureJustificatif.JUSTIFICATIF_LOGEMENT,),
}


class SourceDonnee(models.TextChoices):
    SAISIE = "saisie", "Saisie dans AAP Inclusion"
    IMPORT_SI_RSA = "import_si_rsa", "Import du système d'information RSA"
    IMPORT_STRUCTURE = "import_structure", "Import de l'outil de la structure"


class Sphere(models.TextChoices):
    """Parcours ou sphère vers lesquels une personne peut être (ré)orientée."""

    REMOBILISATION_SOCIALE = "remobilisation_sociale", "Remobilisation sociale"
    REMOBILISATION_SOCIALE_INTENSIVE = "remobilisation_sociale_intensive", "Remobilisation sociale intensive"
    SOCIAL_PROFESSIONNEL_INTENSIF = "social_professionnel_intensif", "Social et professionnel intensif"
    EMPLOI = "emploi", "Sphère emploi (France Travail, PLIE, IAE)"
    ACTIVITE_INDEPENDANTE = "activite_independante", "Activité indépendante"
    SANTE = "sante", "Accompagnement spécifique santé"
    SOLIDARITE = "solidarite", "Accompagnement solidarité (MDS)"


class Frein(models.TextChoices):
    LOGEMENT = "logement", "Logement"
    SANTE = "sante", "Santé"
    MOBILITE = "mobilite", "Mobilité"
    GARDE_ENFANTS = "garde_enfants", "Garde d'enfants"
    BUDGET = "budget", "Budget, difficultés financières"
    NUMERIQUE = "numerique", "Numérique"
    LANGUE = "langue", "Langue, savoirs de base"
    JUSTICE = "justice", "Justice"
    ACCES_DROITS = "acces_droits", "Accès aux droits"
    ISOLEMENT = "isolement", "Isolement, confiance en soi"
    FAMILLE = "famille", "Famille, environnement social"
    EMPLOI_COMPETENCES = "emploi_competences", "Emploi et compétences"


class MomentDiagnostic(models.TextChoices):
    INITIAL = "initial", "Diagnostic initial (360°)"
    CREATION_CE = "creation_ce", "Actualisation à la création du CE"
    INTERMEDIAIRE = "intermediaire", "Point d'étape"
    CLOTURE_CE = "cloture_ce", "Actualisation à la clôture du CE"


class ModeRendezVous(models.TextChoices):
    PHYSIQUE = "physique", "Physique"
    TELEPHONE = "telephone", "Téléphone"
    VISIO = "visio", "Visioconférence"


class Presence(models.TextChoices):
    PREVU = "prevu", "Prévu"
    HONORE = "honore", "Honoré"
    EXCUSE = "excuse", "Absence excusée"
    ABSENCE_INJUSTIFIEE = "absence_injustifiee", "Absence injustifiée"


class StatutContrat(models.TextChoices):
    SIGNE = "signe", "Signé"
    CLOS = "clos", "Clos"
    ROMPU = "rompu", "Rompu"


class CategorieAction(models.TextChoices):
    SOCIALE = "sociale", "Sociale (santé, logement, budget, mobilité…)"
    INSERTION_PRO = "insertion_pro", "Insertion professionnelle"
    FORMATION = "formation", "Formation"
    ADMINISTRATIVE = "administrative", "Démarche administrative"


class StatutDemande(models.TextChoices):
    TRANSMISE = "transmise", "Transmise au Département"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


class StatutPreconisation(models.TextChoices):
    EN_ATTENTE = "en_attente", "Préconisation en attente de décision"
    DECIDEE = "decidee", "Orientation décidée par le Département"


class FamilleSortie(models.TextChoices):
    EMPLOI_DURABLE = "emploi_durable", "Emploi durable"
    EMPLOI_TRANSITION = "emploi_transition", "Emploi de transition"
    SORTIE_POSITIVE = "sortie_positive", "Sortie positive"
    SITUATION_FINANCIERE = "situation_financiere", "Changement de situation financière"
    REORIENTATION = "reorientation", "Réorientation"
    AUTRE = "autre", "Autre sortie"


#: Les « sorties dynamiques » (schéma 2023-2027 §4.1) : union de trois familles.
FAMILLES_DYNAMIQUES = frozenset(
    {FamilleSortie.EMPLOI_DURABLE, FamilleSortie.EMPLOI_TRANSITION, FamilleSortie.SORTIE_POSITIVE}
)


class TypeSortie(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD_6M_PLUS = "cdd_6m_plus", "CDD de 6 mois et plus (hors contrat aidé)"
    MISSION_6M_PLUS = "mission_6m_plus", "Contrat de mission de 6 mois et plus"
    CREATION_ENTREPRISE = "creation_entreprise", "Création d'entreprise"
    FONCTION_PUBLIQUE = "fonction_publique", "Intégration dans la fonction publique"
    CDD_MOINS_6M = "cdd_moins_6m", "CDD de moins de 6 mois"
    MISSION_MOINS_6M = "mission_moins_6m", "Contrat de mission de moins de 6 mois"
    CONTRAT_AIDE = "contrat_aide", "Contrat aidé conclu sous forme de CDD"
    FORMATION_QUALIFIANTE = "formation_qualifiante", "Formation qualifiante"
    EMBAUCHE_SIAE = "embauche_siae", "Embauche sur un emploi d'insertion par une (autre) SIAE"
    AUTRE_POSITIVE = "autre_positive", "Autre sortie positive"
    AAH = "aah", "Allocation aux adultes handicapés (AAH)"
    PENSION_INVALIDITE = "pension_invalidite", "Pension d'invalidité"
    INDEMNITES_JOURNALIERES = "indemnites_journalieres", "Indemnités journalières"
    RETRAITE_ASPA = "retraite_aspa", "Retraite ou ASPA"
    REORIENTATION = "reorientation", "Réorientation décidée par le Département"
    ABANDON = "abandon", "Abandon"
    DEMENAGEMENT = "demenagement", "Déménagement hors du territoire"
    RADIATION = "radiation", "Radiation du RSA"
    FIN_DROITS = "fin_droits", "Fin de droits"
    AUTRE = "autre", "Autre motif"


FAMILLE_DE_SORTIE: dict[str, str] = {
    TypeSortie.CDI: FamilleSortie.EMPLOI_DURABLE,
    TypeSortie.CDD_6M_PLUS: FamilleSortie.EMPLOI_DURABLE,
    TypeSortie.MISSION_6M_PLUS: FamilleSortie.EMPLOI_DURABLE,
    TypeSortie.CREATION_ENTREPRISE: FamilleSortie.EMPLOI_DURABLE,
    TypeSortie.FONCTION_PUBLIQUE: FamilleSortie.EMPLOI_DURABLE,
    TypeSortie.CDD_MOINS_6M: FamilleSortie.EMPLOI_TRANSITION,
    TypeSortie.MISSION_MOINS_6M: FamilleSortie.EMPLOI_TRANSITION,
    TypeSortie.CONTRAT_AIDE: FamilleSortie.EMPLOI_TRANSITION,
    TypeSortie.FORMATION_QUALIFIANTE: FamilleSortie.SORTIE_POSITIVE,
    TypeSortie.EMBAUCHE_SIAE: FamilleSortie.SORTIE_POSITIVE,
    TypeSortie.AUTRE_POSITIVE: FamilleSortie.SORTIE_POSITIVE,
    TypeSortie.AAH: FamilleSortie.SITUATION_FINANCIERE,
    TypeSortie.PENSION_INVALIDITE: FamilleSortie.SITUATION_FINANCIERE,
    TypeSortie.INDEMNITES_JOURNALIERES: FamilleSortie.SITUATION_FINANCIERE,
    TypeSortie.RETRAITE_ASPA: FamilleSortie.SITUATION_FINANCIERE,
    TypeSortie.REORIENTATION: FamilleSortie.REORIENTATION,
    TypeSortie.ABANDON: FamilleSortie.AUTRE,
    TypeSortie.DEMENAGEMENT: FamilleSortie.AUTRE,
    TypeSortie.RADIATION: FamilleSortie.AUTRE,
    TypeSortie.FIN_DROITS: FamilleSortie.AUTRE,
    TypeSortie.AUTRE: FamilleSortie.AUTRE,
}
