"""Les champs de fusion des modèles Word, documentés sur la page des modèles (champ, description, exemple) ;
leurs exemples forment le contexte fictif qui sert à valider un modèle téléversé (`documents.valider_modele`).
Ils doivent rester alignés sur `contexte.py`, ce que vérifient les tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Champ:
    nom: str
    description: str
    exemple: Any
    avenant_seulement: bool = False


_OPERATION_EXEMPLE = {
    "rang": 1,
    "intitule": "Accompagnement renforcé des allocataires du RSA",
    "dispositif": "Référents de parcours RSA",
    "dispositif_code": "1.1",
    "source_regles": "fiche F01",
    "date_debut": "01/01/2026",
    "date_fin": "31/12/2027",
    "duree": "Du 01/01/2026 au 31/12/2027",
    "montant": "12 500,51 €",
    "montant_lettres": "douze mille cinq cents euros et cinquante et un centimes",
    "cout": "31 250,00 €",
    "public": "Bénéficiaires du RSA résidant dans le Pas-de-Calais",
    "objectifs": "Lever les freins à l'insertion.",
    "deroulement": "Entretiens individuels et ateliers collectifs.",
    "territoires": "Arrageois, Artois",
    "profil": "Deux conseillers en insertion professionnelle.",
    "imputation": "C02-446A05 – 6568/93446",
    "engagements": [{"libelle": "Places d'accompagnement", "valeur": "140"}],
    "echeances": [
        {
            "type": "Avance",
            "taux": "30 %",
            "montant": "3 750,15 €",
            "declencheur": "Signature de la convention",
            "conditions": "",
        }
    ],
    "bilans": [{"libelle": "Bilan final", "echeance": "31/03/2028", "regle": "Dans les 3 mois suivant la fin."}],
    "indicateurs": [{"nom": "Délai du 1er rendez-vous", "definition": "Dans les 15 jours.", "cible": "15 jours"}],
}

CHAMPS: list[Champ] = [
    Champ("numero", "Numéro de la convention (année et numéro d'ordre)", "2026-00042"),
    Champ("objet", "Objet de la convention", "Définition du partenariat entre le Département et ALPHA – …"),
    Champ("annee", "Année de numérotation", 2026),
    Champ("structure_nom", "Nom de la structure", "Association ALPHA"),
    Champ("structure_sigle", "Sigle de la structure", "ALPHA"),
    Champ("structure_forme", "Forme juridique", "Association loi 1901"),
    Champ("adresse_siege", "Adresse du siège", "12 rue de la Paix"),
    Champ("code_postal", "Code postal", "62000"),
    Champ("commune", "Commune", "Arras"),
    Champ("siret", "N° SIRET", "12345678900012"),
    Champ("rna", "N° RNA (associations)", "W623000123"),
    Champ("situe", "« situé », « située » ou « situé(e) » selon la forme juridique", "située"),
    Champ("enregistre", "« enregistré », « enregistrée » ou « enregistré(e) »", "enregistrée"),
    Champ("represente", "« représenté », « représentée » ou « représenté(e) »", "représentée"),
    Champ("civilite", "Civilité du représentant : Madame ou Monsieur", "Madame"),
    Champ("representant_prenom", "Prénom du représentant", "Claire"),
    Champ("representant_nom", "Nom du représentant (capitales)", "MARTIN"),
    Champ("representant_fonction", "Fonction du représentant", "Présidente"),
    Champ("habilite", "« habilité » ou « habilitée » selon la civilité", "habilitée"),
    Champ("designe", "« désigné » ou « désignée » selon la civilité", "désignée"),
    Champ("le_president", "« Le Président » ou « La Présidente » (bloc de signature)", "La Présidente"),
    Champ("iban", "IBAN de la structure (article 5)", "FR7630001007941234567890185"),
    Champ("bic", "BIC (article 5)", "BDFEFRPPCCT"),
    Champ("titulaire_compte", "Titulaire du compte (article 5)", "Association ALPHA"),
    Champ("attribuant_nom", "Nom de l'attribuant", "Département du Pas-de-Calais"),
    Champ("mail_gestionnaire", "Courriel du gestionnaire du dossier (article 6-2)", "dpid.conventions@pasdecalais.fr"),
    Champ("service_preavis", "Service destinataire du préavis (article 8-1)", "Direction des Politiques d'Inclusion…"),
    Champ("signataire_fonction", "Fonction du signataire pour le Département", "La Directrice des Politiques…"),
    Champ("signataire_nom", "Nom du signataire pour le Département", "Sabine DESPIERRE"),
    Champ("ville", "Ville de signature", "Arras"),
    Champ("exemplaires", "Nombre d'exemplaires originaux, en lettres", "trois"),
    Champ("dispositifs", "Dispositif(s) couverts, séparés par des virgules", "Référents de parcours RSA"),
    Champ("cp_date", "Date de la Commission permanente, en toutes lettres", "26 mai 2026"),
    Champ("cp_date_courte", "Date de la Commission permanente", "26/05/2026"),
    Champ("numero_deliberation", "N° de la délibération", "2026-187"),
    Champ("date_debut", "Début de la période", "01/01/2026"),
    Champ("date_fin", "Fin de la période (incluse)", "31/12/2027"),
    Champ("periode", "Période d'application (article 3)", "du 1er janvier 2026 au 31 décembre 2027 inclus"),
    Champ("montant", "Montant maximal en chiffres (article 4)", "12 500,51 €"),
    Champ("montant_lettres", "Montant maximal en lettres", "douze mille cinq cents euros et cinquante et un centimes"),
    Champ("nombre_operations", "Nombre d'opérations (annexes « Fiche opération »)", 1),
    Champ(
        "operations",
        "Liste des opérations (boucle) ; chacune : rang, intitule, dispositif, dispositif_code, duree, date_debut, "
        "date_fin, montant, montant_lettres, cout, public, objectifs, deroulement, territoires, profil, imputation, "
        "engagements (libelle, valeur), echeances (type, taux, montant, declencheur, conditions), bilans (libelle, "
        "echeance, regle), indicateurs (nom, definition, cible), source_regles",
        [_OPERATION_EXEMPLE],
    ),
    Champ("avenant_numero", "N° de l'avenant", 1, True),
    Champ("avenant_type", "Type d'avenant", "Financier (montant)", True),
    Champ("motif", "Motif de l'avenant", "Hausse de l'activité constatée.", True),
    Champ("evenement_exceptionnel", "Événement exceptionnel justifiant un report", "", True),
    Champ(
        "modifications",
        "Tableau des changements (boucle) : champ, avant, apres",
        [{"champ": "Montant maximal (article 4)", "avant": "40 000,00 €", "apres": "46 000,00 €"}],
        True,
    ),
    Champ("avenant_cp_date", "Date de la CP qui a approuvé l'avenant (vide sinon)", "7 juillet 2026", True),
    Champ("montant_avant", "Montant avant l'avenant", "40 000,00 €", True),
    Champ("montant_apres", "Montant après l'avenant", "46 000,00 €", True),
    Champ("montant_apres_lettres", "Montant après l'avenant en lettres", "quarante-six mille euros", True),
]


def champs_disponibles(type_modele: str) -> list[Champ]:
    return [c for c in CHAMPS if type_modele == "avenant" or not c.avenant_seulement]


def contexte_exemple(type_modele: str) -> dict[str, Any]:
    """Un contexte complet et fictif, pour valider un modèle téléversé sans toucher aux données."""
    return {c.nom: c.exemple for c in champs_disponibles(type_modele)}
