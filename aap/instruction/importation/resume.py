"""Déroulé d'un import ligne à ligne et son compte rendu, communs à la commande `import_propositions` et à la
page d'import (tâche de fond) : issue de chaque ligne (simulée ou écrite), phrase de la ligne, résumé chiffré,
et la même ligne sous forme de données pour les tableaux de la page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import DatabaseError

from aap.commission.models import SeanceCP
from aap.core.models import User
from aap.core.templatetags.aap_ui import euros, nombre
from aap.instruction.importation.ecriture import importer_ligne
from aap.instruction.importation.rapprochement import Rejet
from aap.instruction.importation.service import PHASE_IMPORT, LignePlan


UNITES = {
    "etp": "ETP",
    "places": "places",
    "dsp": "DSP",
    "participants": "participants",
    "postes_insertion": "postes en insertion",
}


@dataclass
class Issue:
    """Ce qu'il advient d'une ligne : rejetée (raison), ou demande créée / déjà importée, structure créée,
    inscription créée. En simulation, ce qui serait fait."""

    plan: LignePlan
    ecrire: bool
    raison: str = ""
    creee: bool = False
    structure_creee: bool = False
    inscrite: bool = False
    demande_id: int | None = None  # demande créée ou déjà importée

    @property
    def rejetee(self) -> bool:
        return bool(self.raison)


@dataclass
class Compte:
    structures: int = 0
    demandes: int = 0
    inscriptions: int = 0
    deja: int = 0
    rejetees: int = 0
    hors_budget: int = 0
    lignes: int = 0
    raisons: list[str] = field(default_factory=list)

    def ajouter(self, issue: Issue) -> None:
        self.lignes += 1
        if issue.rejetee:
            self.rejetees += 1
            return
        self.structures += issue.structure_creee
        self.demandes += issue.creee
        self.inscriptions += issue.inscrite
        self.deja += not issue.creee
        self.hors_budget += issue.creee and issue.plan.hors_budget

    def en_donnees(self) -> dict[str, int]:
        return {
            "lignes": self.lignes,
            "demandes": self.demandes,
            "structures": self.structures,
            "inscriptions": self.inscriptions,
            "deja": self.deja,
            "rejetees": self.rejetees,
            "hors_budget": self.hors_budget,
        }


def deja_inscrite(plan: LignePlan, seance: SeanceCP | None) -> bool:
    proposition = getattr(plan.existante, "proposition", None) if plan.existante else None
    return bool(seance and proposition and proposition.inscriptions.filter(seance=seance).exists())


def traiter_ligne(
    plan: LignePlan, *, ecrire: bool, acteur: User, seance: SeanceCP | None, fichier: str, inscrire: bool
) -> Issue:
    """Simule ou écrit une ligne analysée. À l'écriture, une ligne en échec (rejet, erreur de base, erreur
    inattendue) n'écrit rien — sa transaction est annulée — et n'arrête jamais les suivantes."""
    issue = Issue(plan=plan, ecrire=ecrire)
    if plan.rejetee:
        issue.raison = plan.raison
        return issue
    if not ecrire:
        issue.creee = plan.existante is None
        issue.demande_id = plan.existante.pk if plan.existante else None
        issue.structure_creee = issue.creee and plan.structure.creee_par_ligne == plan.numero
        issue.inscrite = inscrire and not deja_inscrite(plan, seance)
        return issue
    try:
        resultat = importer_ligne(plan, acteur, fichier=fichier, seance=seance)
    except Rejet as exc:
        issue.raison = str(exc)
    except DatabaseError as exc:
        issue.raison = f"erreur d'écriture, rien n'a été écrit pour cette ligne ({exc})"
    except Exception as exc:  # noqa: BLE001 — une ligne en échec n'arrête jamais les suivantes
        issue.raison = f"erreur inattendue ({type(exc).__name__}: {exc}), rien n'a été écrit pour cette ligne"
    else:
        issue.creee = resultat.demande_creee
        issue.structure_creee = resultat.structure_creee
        issue.inscrite = resultat.inscription_creee
        issue.demande_id = resultat.demande.pk if resultat.demande else None
    return issue


def libelle_structure(issue: Issue) -> str:
    prevue, ecrire = issue.plan.structure, issue.ecrire
    if issue.structure_creee:
        return f"{prevue.nom} (SIRET {prevue.siret}, structure {'créée' if ecrire else 'à créer'})"
    if prevue.a_creer and issue.creee:
        return f"{prevue.nom} (SIRET {prevue.siret}, structure de la ligne {prevue.creee_par_ligne})"
    return f"{prevue.structure.raison_sociale if prevue.structure else prevue.nom} (SIRET {prevue.siret})"


def note_structure(issue: Issue) -> str:
    """« à créer », « créée », « créée par la ligne 2 » ou rien (structure existante)."""
    prevue = issue.plan.structure
    if issue.rejetee or prevue is None:
        return ""
    if issue.structure_creee:
        return "créée" if issue.ecrire else "à créer"
    if prevue.a_creer and issue.creee:
        return f"{'créée' if issue.ecrire else 'à créer'} par la ligne {prevue.creee_par_ligne}"
    return ""


def libelle_quantites(plan: LignePlan) -> str:
    return ", ".join(f"{nombre(v)} {UNITES[k]}" for k, v in plan.quantites.items())


def ligne_rejetee(numero: int, raison: str) -> str:
    return f"Ligne {numero} : REJETÉE — {raison}"


def description_ligne(issue: Issue) -> str:
    """« Ligne 2 : À IMPORTER — Arrageois · 5.1 · … → demande IMP2026-5.1-… reçue et sa proposition »."""
    plan, ecrire = issue.plan, issue.ecrire
    if issue.rejetee:
        return ligne_rejetee(plan.numero, issue.raison)
    montant = euros(plan.montant) + (" (hors budget)" if plan.hors_budget else "")
    details = " · ".join(
        x
        for x in (
            plan.territoire.nom,
            plan.dispositif.code,
            libelle_structure(issue),
            montant,
            libelle_quantites(plan),
        )
        if x
    )
    if issue.creee:
        etat = "IMPORTÉE" if ecrire else "À IMPORTER"
        suite = f"demande {plan.reference} reçue et sa proposition"
    else:
        etat = "DÉJÀ IMPORTÉE"
        suite = f"demande {plan.reference} existante, rien à créer"
    if issue.inscrite:
        suite += ", inscrite à la séance" if ecrire else ", à inscrire à la séance"
    return f"Ligne {plan.numero} : {etat} — {details} → {suite}"


def phrase_seance(date: datetime.date, seance: SeanceCP | None, *, creee: bool = False) -> str:
    """La séance de la CP visée : créée par l'import, à créer (simulation) ou existante."""
    if creee:
        return f"Séance de la CP du {date:%d/%m/%Y} créée (phase « {PHASE_IMPORT} »)."
    if seance is None:
        return f"Séance de la CP du {date:%d/%m/%Y} : serait créée (phase « {PHASE_IMPORT} »)."
    return f"Séance de la CP du {date:%d/%m/%Y} : existante ({seance.titre})."


def phrase_resume(compte: Compte, ecrire: bool) -> str:
    verbe = "créée(s)" if ecrire else "à créer"
    return (
        f"Résumé : {compte.lignes} ligne(s) lue(s) ; {compte.demandes} demande(s) et proposition(s) {verbe}, "
        f"{compte.structures} structure(s) {verbe}, {compte.inscriptions} inscription(s) "
        f"{verbe} ; {compte.deja} déjà importée(s) ; {compte.rejetees} rejetée(s)."
    )


#: États d'une ligne dans les tableaux de la page d'import.
A_CREER, IMPORTEE, DEJA, REJETEE, ECHEC = "a_creer", "importee", "deja", "rejetee", "echec"


def ligne_en_donnees(issue: Issue) -> dict:
    """La ligne pour le résultat (JSON) d'une tâche de fond : affichée en tableau par la page d'import."""
    plan = issue.plan
    if issue.rejetee:
        etat = ECHEC if issue.ecrire and not plan.rejetee else REJETEE
    elif issue.creee:
        etat = IMPORTEE if issue.ecrire else A_CREER
    else:
        etat = DEJA
    donnees = {
        "numero": plan.numero,
        "etat": etat,
        "raison": issue.raison,
        "dispositif": plan.dispositif.code if plan.dispositif else "",
        "dispositif_titre": plan.dispositif.titre if plan.dispositif else "",
        "territoire": plan.territoire.nom if plan.territoire else "",
        "structure": "",
        "siret": "",
        "montant": "",
        "hors_budget": False,
        "quantites": "",
        "reference": plan.reference,
        "demande_id": issue.demande_id,
        "inscrite": issue.inscrite,
        "avertissements": list(plan.avertissements),
    }
    if plan.structure is not None and plan.dispositif is not None and plan.territoire is not None:
        donnees.update(
            structure=plan.structure.structure.raison_sociale if plan.structure.structure else plan.structure.nom,
            siret=plan.structure.siret,
            montant=str(plan.montant),
            hors_budget=plan.hors_budget,
            quantites=libelle_quantites(plan),
            structure_note=note_structure(issue),
        )
    return donnees
