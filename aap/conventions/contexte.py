"""Contexte de fusion des modèles Word (docxtpl) d'une convention et d'un avenant.

Les champs reprennent ceux de la convention type de la délibération du 26/05/2026 (annexe 7) : « Nom de la
structure », « Adresse siège », « Code postal », « Commune », « N_SIRET », civilité, prénom, nom et fonction du
représentant, accords (situé/située, habilité/habilitée…), dispositif(s), date de la CP, période, montant en
chiffres et en lettres, IBAN/BIC (art. 5), courriel du gestionnaire (art. 6-2), service du préavis (art. 8-1),
signataire, exemplaires, puis une « Fiche opération » par opération (annexe N°k). `CHAMPS` les documente (page
des modèles) et sert d'exemple pour valider un modèle téléversé.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aap.commission.documents.common import date_courte, date_longue, montant, nombre
from aap.conventions.lettres import montant_en_lettres
from aap.conventions.models import Avenant, Convention, Operation
from aap.conventions.regles import conventionnement
from aap.structures.models import Civilite, FormeJuridique, Structure


#: Genre grammatical du nom qui désigne la structure (« l'association … située », « le CCAS … situé ») ;
#: absent : « situé(e) ».
GENRE_FORME = {
    FormeJuridique.ASSOCIATION: "f",
    FormeJuridique.CCAS: "m",
    FormeJuridique.MISSION_LOCALE: "f",
    FormeJuridique.PLIE: "m",
    FormeJuridique.GIP: "m",
    FormeJuridique.ENTREPRISE: "f",
}
EXEMPLAIRES = {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq"}
ENGAGEMENTS = {
    "etp": "ETP",
    "places": "Places d'accompagnement",
    "dsp": "Diagnostics socioprofessionnels (DSP)",
    "participants": "Participants",
    "postes_insertion": "Postes en insertion",
}
TYPES_ECHEANCE = {"avance": "Avance", "acompte": "Acompte", "solde": "Solde"}


def accorder(genre: str, masculin: str, feminin: str) -> str:
    """« situé », « située » ou « situé(e) » selon le genre « m », « f » ou inconnu."""
    if genre == "m":
        return masculin
    if genre == "f":
        return feminin
    return f"{masculin}({feminin[len(masculin) :]})" if feminin.startswith(masculin) else f"{masculin}/{feminin}"


def _pourcentage(valeur: Any) -> str:
    return f"{nombre(Decimal(str(valeur)))} %"


def contexte_structure(structure: Structure) -> dict[str, Any]:
    genre = GENRE_FORME.get(structure.forme_juridique, "")
    femme = structure.representant_civilite == Civilite.MADAME
    g_rep = "f" if femme else "m"
    return {
        "structure_nom": structure.raison_sociale,
        "structure_sigle": structure.sigle,
        "structure_forme": structure.get_forme_juridique_display(),
        "adresse_siege": structure.adresse,
        "code_postal": structure.code_postal,
        "commune": structure.commune,
        "siret": structure.siret,
        "rna": structure.rna,
        "situe": accorder(genre, "situé", "située"),
        "enregistre": accorder(genre, "enregistré", "enregistrée"),
        "represente": accorder(genre, "représenté", "représentée"),
        "civilite": "Madame" if femme else "Monsieur",
        "representant_prenom": structure.representant_prenom,
        "representant_nom": structure.representant_nom.upper(),
        "representant_fonction": structure.representant_fonction,
        "habilite": accorder(g_rep, "habilité", "habilitée"),
        "designe": accorder(g_rep, "désigné", "désignée"),
        "le_president": "La Présidente" if femme else "Le Président",
        "iban": structure.iban,
        "bic": structure.bic,
        "titulaire_compte": structure.raison_sociale,
    }


def contexte_edition(regles: dict[str, Any]) -> dict[str, Any]:
    signataire = regles["signataire"]
    return {
        "attribuant_nom": regles["attribuant"]["nom"],
        "mail_gestionnaire": regles["mail_gestionnaire"],
        "service_preavis": regles["service_preavis"],
        "signataire_fonction": signataire["fonction"],
        "signataire_nom": signataire["nom"],
        "ville": signataire["ville"],
        "exemplaires": EXEMPLAIRES.get(regles["exemplaires"], str(regles["exemplaires"])),
    }


def contexte_operation(operation: Operation) -> dict[str, Any]:
    demande = operation.demande
    echeancier = operation.regles.get("echeancier", [])
    echeances = []
    for echeance in operation.echeances.order_by("rang"):
        spec = echeancier[echeance.rang - 1] if echeance.rang <= len(echeancier) else {}
        echeances.append(
            {
                "type": TYPES_ECHEANCE.get(echeance.type, echeance.type),
                "taux": ("au plus " if echeance.taux_est_maximum else "") + _pourcentage(echeance.taux),
                "montant": montant(echeance.montant_prevu),
                "declencheur": echeance.declencheur,
                "conditions": " ; ".join(spec.get("conditions", [])),
            }
        )
    bilans = [
        {"libelle": b.libelle, "echeance": date_courte(b.echeance), "regle": _regle_bilan(operation, b.type)}
        for b in operation.bilans.order_by("echeance", "pk")
    ]
    indicateurs = [
        {"nom": i.get("nom", ""), "definition": i.get("definition", ""), "cible": i.get("cible") or ""}
        for i in operation.regles.get("indicateurs", [])
    ]
    engagements = [
        {"libelle": libelle, "valeur": nombre(Decimal(str(operation.engagements[cle])))}
        for cle, libelle in ENGAGEMENTS.items()
        if operation.engagements.get(cle) not in (None, "")
    ]
    ligne = operation.dispositif.ligne_budgetaire
    return {
        "rang": operation.rang,
        "intitule": operation.intitule,
        "dispositif": operation.dispositif.titre,
        "dispositif_code": operation.dispositif.code,
        "source_regles": operation.regles.get("source", ""),
        "date_debut": date_courte(operation.date_debut),
        "date_fin": date_courte(operation.date_fin),
        "duree": f"Du {date_courte(operation.date_debut)} au {date_courte(operation.date_fin)}",
        "montant": montant(operation.montant),
        "montant_lettres": montant_en_lettres(operation.montant),
        "cout": montant(demande.cout_total),
        "public": demande.dispositif.regles.get("public", {}).get("resume", "") if demande.dispositif.regles else "",
        "objectifs": demande.objectifs,
        "deroulement": demande.description,
        "territoires": ", ".join(t.nom for t in demande.territoires.all()),
        "profil": demande.moyens_humains,
        "imputation": f"{ligne.code_operation} – {ligne.imputation}" if ligne else "",
        "engagements": engagements,
        "echeances": echeances,
        "bilans": bilans,
        "indicateurs": indicateurs,
    }


def _regle_bilan(operation: Operation, type_bilan: str) -> str:
    for spec in operation.regles.get("bilans", []):
        if spec.get("type") == type_bilan:
            return spec.get("regle", "")
    return ""


def contexte_convention(convention: Convention) -> dict[str, Any]:
    """Le contexte complet d'une convention (ses opérations, échéances et bilans déjà créés)."""
    seance = convention.seance
    operations = list(
        convention.operations.select_related("demande__dispositif", "dispositif__ligne_budgetaire").order_by("rang")
    )
    dispositifs = list(dict.fromkeys(op.dispositif.titre for op in operations))
    return {
        "numero": convention.numero,
        "objet": convention.objet,
        "annee": convention.annee,
        **contexte_structure(convention.structure),
        **contexte_edition(
            conventionnement(operations[0].dispositif) if operations else convention.edition.conventionnement
        ),
        "dispositifs": ", ".join(dispositifs),
        "cp_date": date_longue(seance.date),
        "cp_date_courte": date_courte(seance.date),
        "numero_deliberation": seance.numero_deliberation or "",
        "date_debut": date_courte(convention.date_debut),
        "date_fin": date_courte(convention.date_fin),
        "periode": f"du {date_longue(convention.date_debut)} au {date_longue(convention.date_fin)} inclus",
        "montant": montant(convention.montant),
        "montant_lettres": montant_en_lettres(convention.montant),
        "nombre_operations": len(operations),
        "operations": [contexte_operation(op) for op in operations],
    }


#: Libellés des champs d'un instantané de convention (avenant), dans l'ordre d'affichage.
LIBELLES_AVENANT = {
    "montant": "Montant maximal (article 4)",
    "date_debut": "Début de la période (article 3)",
    "date_fin": "Fin de la période (article 3)",
    "objet": "Objet",
}


def _valeur(cle: str, valeur: Any) -> str:
    if valeur is None or valeur == "":
        return "—"
    if "montant" in cle.rsplit(".", 1)[-1]:
        try:
            return montant(Decimal(str(valeur)))
        except ArithmeticError:
            return str(valeur)
    if isinstance(valeur, str) and len(valeur) == 10 and valeur[4] == "-":
        try:
            return date_courte(datetime.date.fromisoformat(valeur))
        except ValueError:
            return valeur
    return str(valeur)


def _aplatir(donnees: Any, prefixe: str = "") -> dict[str, Any]:
    if isinstance(donnees, dict):
        plat: dict[str, Any] = {}
        for cle, valeur in donnees.items():
            plat.update(_aplatir(valeur, f"{prefixe}.{cle}" if prefixe else str(cle)))
        return plat
    if isinstance(donnees, list):
        plat = {}
        for rang, valeur in enumerate(donnees, start=1):
            plat.update(_aplatir(valeur, f"{prefixe}.{rang}"))
        return plat
    return {prefixe: donnees}


def _libelle(cle: str) -> str:
    if cle in LIBELLES_AVENANT:
        return LIBELLES_AVENANT[cle]
    morceaux = cle.split(".")
    if morceaux[0] == "operations" and len(morceaux) >= 3:
        fin = ".".join(morceaux[2:])
        return f"Annexe n° {morceaux[1]} – {LIBELLES_AVENANT.get(fin, fin.replace('_', ' '))}"
    return cle.replace("_", " ").replace(".", " – ")


def differences(avant: dict[str, Any], apres: dict[str, Any]) -> list[dict[str, str]]:
    """Le tableau « champ, avant, après » des valeurs qui changent entre deux instantanés."""
    plat_avant, plat_apres = _aplatir(avant), _aplatir(apres)
    cles = list(dict.fromkeys([*plat_avant, *plat_apres]))
    ordre = {cle: rang for rang, cle in enumerate(LIBELLES_AVENANT)}
    rang_lu = {cle: rang for rang, cle in enumerate(cles)}
    cles.sort(key=lambda c: (ordre.get(c, len(ordre)), rang_lu[c]))
    return [
        {
            "champ": _libelle(cle),
            "avant": _valeur(cle, plat_avant.get(cle)),
            "apres": _valeur(cle, plat_apres.get(cle)),
        }
        for cle in cles
        if str(plat_avant.get(cle)) != str(plat_apres.get(cle))
    ]


def contexte_avenant(avenant: Avenant) -> dict[str, Any]:
    convention = avenant.convention
    contexte = contexte_convention(convention)
    contexte.update(
        {
            "avenant_numero": avenant.numero,
            "avenant_type": avenant.get_type_display(),
            "motif": avenant.motif,
            "evenement_exceptionnel": avenant.evenement_exceptionnel,
            "modifications": differences(avenant.avant, avenant.apres),
            "avenant_cp_date": date_longue(avenant.seance.date) if avenant.seance_id else "",
            "montant_avant": _valeur("montant", avenant.avant.get("montant")),
            "montant_apres": _valeur("montant", avenant.apres.get("montant")),
            "montant_apres_lettres": montant_en_lettres(
                Decimal(str(avenant.apres.get("montant") or convention.montant))
            ),
        }
    )
    return contexte


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
