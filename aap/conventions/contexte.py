"""Contexte de fusion des modèles Word (docxtpl) d'une convention et d'un avenant.

Les champs reprennent ceux de la convention type de la délibération du 26/05/2026 (annexe 7) : « Nom de la
structure », « Adresse siège », « Code postal », « Commune », « N_SIRET », civilité, prénom, nom et fonction du
représentant, accords (situé/située, habilité/habilitée…), dispositif(s), date de la CP, période, montant en
chiffres et en lettres, IBAN/BIC (art. 5), courriel du gestionnaire (art. 6-2), service du préavis (art. 8-1),
signataire, exemplaires, puis une « Fiche opération » par opération (annexe N°k). `champs.CHAMPS` les documente
(page des modèles) et sert d'exemple pour valider un modèle téléversé.
"""

from __future__ import annotations

import datetime
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
    "version": "Version de la convention",
    "montant": "Montant maximal (article 4)",
    "date_debut": "Début de la période (article 3)",
    "date_fin": "Fin de la période (article 3)",
    "objet": "Objet",
}
LIBELLES_OPERATION = {"montant": "montant", "date_debut": "début", "date_fin": "fin (incluse)"}
#: Clés techniques d'un instantané, jamais montrées.
CLES_MASQUEES = {"id", "rang", "intitule"}


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
    """{"operations": [{"rang": 2, "montant": …}]} → {"operations.2.montant": …} (rang, sinon position)."""
    if isinstance(donnees, dict):
        plat: dict[str, Any] = {}
        for cle, valeur in donnees.items():
            plat.update(_aplatir(valeur, f"{prefixe}.{cle}" if prefixe else str(cle)))
        return plat
    if isinstance(donnees, list):
        plat = {}
        for position, valeur in enumerate(donnees, start=1):
            rang = valeur.get("rang", position) if isinstance(valeur, dict) else position
            plat.update(_aplatir(valeur, f"{prefixe}.{rang}"))
        return plat
    return {prefixe: donnees}


def _intitules(*instantanes: dict[str, Any]) -> dict[str, str]:
    return {
        str(op.get("rang")): op.get("intitule", "")
        for instantane in instantanes
        for op in instantane.get("operations", [])
        if isinstance(op, dict)
    }


def _libelle(cle: str, intitules: dict[str, str]) -> str:
    if cle in LIBELLES_AVENANT:
        return LIBELLES_AVENANT[cle]
    morceaux = cle.split(".")
    if morceaux[0] == "operations" and len(morceaux) >= 3:
        fin = ".".join(morceaux[2:])
        intitule = intitules.get(morceaux[1])
        operation = f"Opération n° {morceaux[1]}" + (f" ({intitule})" if intitule else "")
        return f"{operation} : {LIBELLES_OPERATION.get(fin, fin.replace('_', ' '))}"
    return cle.replace("_", " ").replace(".", " – ")


def differences(avant: dict[str, Any], apres: dict[str, Any]) -> list[dict[str, str]]:
    """Le tableau « champ, avant, après » des valeurs qui changent entre deux instantanés."""
    plat_avant, plat_apres = _aplatir(avant), _aplatir(apres)
    cles = [c for c in dict.fromkeys([*plat_avant, *plat_apres]) if c.rsplit(".", 1)[-1] not in CLES_MASQUEES]
    ordre = {cle: rang for rang, cle in enumerate(LIBELLES_AVENANT)}
    rang_lu = {cle: rang for rang, cle in enumerate(cles)}
    cles.sort(key=lambda c: (ordre.get(c, len(ordre)), rang_lu[c]))
    intitules = _intitules(avant, apres)
    return [
        {
            "champ": _libelle(cle, intitules),
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
