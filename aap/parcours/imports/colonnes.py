"""Les colonnes documentées de chaque nature de fichier (docs/imports-parcours.md) : nom, obligatoire, contenu.

L'ordre de ces tuples est celui des fichiers écrits par `export` ; à la lecture, l'ordre est libre.
"""

from __future__ import annotations

from dataclasses import dataclass


ORIENTATIONS = "orientations"
EVENEMENTS = "evenements"
NATURES = {
    ORIENTATIONS: "Orientations (SI RSA)",
    EVENEMENTS: "Événements des parcours (outil de la structure)",
}


@dataclass(frozen=True)
class Colonne:
    nom: str
    obligatoire: str  # « oui », « non » ou la condition
    contenu: str


COLONNES_ORIENTATIONS = (
    Colonne("reference", "oui", "identifiant unique de l'orientation dans le SI RSA (60 caractères au plus)"),
    Colonne("nom", "oui", "nom de la personne"),
    Colonne("prenom", "oui", "prénom"),
    Colonne("date_naissance", "non", "JJ/MM/AAAA"),
    Colonne("organisme", "oui", "caf ou msa"),
    Colonne("numero_allocataire", "oui", "n° allocataire CAF/MSA (20 caractères au plus)"),
    Colonne("categorie", "oui", "catégorie de public"),
    Colonne("territoire", "oui", "code du territoire MDS"),
    Colonne("siret", "oui", "SIRET de la structure (14 chiffres), déjà connue de l'application"),
    Colonne("dispositif", "oui", "code du dispositif (5.1, 5.2, 5.3)"),
    Colonne("parcours", "oui", "code d'un parcours de la fiche du dispositif"),
    Colonne("date_orientation", "oui", "JJ/MM/AAAA"),
)

TYPES_EVENEMENT = (
    "rendez_vous",
    "diagnostic",
    "contrat",
    "action",
    "heures",
    "suspension",
    "reorientation",
    "sortie",
)

COLONNES_EVENEMENTS = (
    Colonne("type", "oui", "nature de l'événement : " + ", ".join(TYPES_EVENEMENT)),
    Colonne("reference", "oui sauf action, heures, sortie", "identifiant de l'événement dans l'outil de la structure"),
    Colonne("orientation", "oui sans orientation_id", "référence de l'orientation dans le SI RSA"),
    Colonne("orientation_id", "oui sans orientation", "n° de l'orientation dans AAP Inclusion"),
    Colonne("date", "selon le type", "JJ/MM/AAAA : jour du rendez-vous, du diagnostic, de la signature, etc."),
    Colonne("heure", "rendez_vous", "HH:MM, heure de Paris"),
    Colonne("mode", "rendez_vous", "physique, telephone, visio"),
    Colonne("presence", "non (rendez_vous)", "prevu (défaut), honore, excuse, absence_injustifiee"),
    Colonne("moment", "diagnostic", "initial, creation_ce, intermediaire, cloture_ce"),
    Colonne("freins", "non (diagnostic)", "codes des freins séparés par « | »"),
    Colonne("contrat", "action, heures ; non pour diagnostic", "référence du contrat d'engagement"),
    Colonne("rang", "non (contrat)", "n° du contrat dans le parcours (1 par défaut ; 2 et plus : renouvellement)"),
    Colonne("debut", "contrat, action", "JJ/MM/AAAA"),
    Colonne("fin", "contrat, action", "JJ/MM/AAAA"),
    Colonne("heures", "heures ; non pour contrat", "heures par semaine, une décimale au plus (12,5)"),
    Colonne("semaine", "heures", "un jour de la semaine (ramené au lundi)"),
    Colonne("statut", "non (contrat)", "signe (défaut), clos, rompu"),
    Colonne("cloture", "non (contrat)", "date de clôture JJ/MM/AAAA"),
    Colonne("revue_slai", "non (contrat)", "date de la revue SLAI JJ/MM/AAAA"),
    Colonne("libelle", "action", "intitulé de l'action (255 caractères au plus)"),
    Colonne("detail", "non (action, contrat)", "détail de l'action ; pour un contrat, le lien diagnostic-actions"),
    Colonne("categorie", "action", "sociale, insertion_pro, formation, administrative"),
    Colonne("departemental", "non (action)", "oui si orientation vers un dispositif départemental (Néoinsertion)"),
    Colonne("rendez_vous", "non (suspension)", "référence du rendez-vous manqué"),
    Colonne("motif", "suspension", "motif de la demande (255 caractères au plus)"),
    Colonne("sphere", "reorientation", "sphère demandée"),
    Colonne("argumentaire", "reorientation", "argumentaire de la demande"),
    Colonne("type_sortie", "sortie", "type de sortie"),
)

OBLIGATOIRES = {
    ORIENTATIONS: tuple(c.nom for c in COLONNES_ORIENTATIONS if c.obligatoire == "oui"),
    EVENEMENTS: ("type",),
}


def noms(nature: str) -> tuple[str, ...]:
    return tuple(c.nom for c in (COLONNES_ORIENTATIONS if nature == ORIENTATIONS else COLONNES_EVENEMENTS))
