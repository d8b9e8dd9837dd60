"""`manage.py import_propositions FICHIER [--cp AAAA-MM-JJ] [--annee AAAA] [--acteur EMAIL] [--wet-run]`.

Simulation par défaut : affiche ce qui serait créé et chaque ligne rejetée (numéro et raison), sans rien
écrire. `--wet-run` écrit, une transaction par ligne. Code de sortie 0 dès que le fichier a été lu (même avec
des lignes rejetées) ; non nul si le fichier est illisible, l'en-tête incorrect ou l'import impossible.
Voir docs/import-propositions.md.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from aap.core.templatetags.aap_ui import euros, nombre
from aap.instruction.importation.ecriture import importer_ligne
from aap.instruction.importation.lecture import FichierIllisible, lire_tableau
from aap.instruction.importation.rapprochement import Rejet
from aap.instruction.importation.service import (
    PHASE_IMPORT,
    ImportImpossible,
    LignePlan,
    acteur_import,
    analyser,
    edition_cible,
    obtenir_seance,
    seance_existante,
)


def _date(valeur: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(valeur)
    except ValueError:
        raise CommandError(f"--cp : date « {valeur} » invalide, format AAAA-MM-JJ (ex. 2026-05-26).") from None


UNITES = {
    "etp": "ETP",
    "places": "places",
    "dsp": "DSP",
    "participants": "participants",
    "postes_insertion": "postes en insertion",
}


class Command(BaseCommand):
    help = (
        "Importe un tableau de propositions (CSV ou XLSX : territoire;thematique;dispositif;structure;siret;"
        "description;montant). Simulation par défaut ; --wet-run pour écrire."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", type=Path, help="tableau CSV (« ; » ou « , ») ou XLSX (première feuille)")
        parser.add_argument("--cp", type=_date, default=None, help="date de la séance de la CP (AAAA-MM-JJ)")
        parser.add_argument("--annee", type=int, default=None, help="édition du catalogue (défaut : la dernière)")
        parser.add_argument(
            "--acteur", default=None, help="adresse de l'agent DPID de l'import (défaut : le premier administrateur)"
        )
        parser.add_argument("--wet-run", action="store_true", help="écrire en base (sinon simulation)")

    def handle(self, *args: object, **options: object) -> None:
        fichier: Path = options["fichier"]
        ecrire: bool = options["wet_run"]
        try:
            tableau = lire_tableau(fichier)
            edition = edition_cible(options["annee"])
            acteur = acteur_import(options["acteur"])
            seance = seance_existante(options["cp"], edition) if options["cp"] else None
        except (FichierIllisible, ImportImpossible) as exc:
            raise CommandError(f"{exc}\nRien n'a été importé.") from None

        encodage = f", {tableau.encodage}" if tableau.encodage else ""
        self.stdout.write(
            f"Fichier « {fichier.name} » ({tableau.format}{encodage}) : {len(tableau.lignes)} ligne(s) de données ; "
            f"édition {edition.annee} ; acteur {acteur.email}."
        )
        if tableau.colonnes_ignorees:
            self.stdout.write(f"Colonnes ignorées : {', '.join(tableau.colonnes_ignorees)}.")
        self.stdout.write(
            "Import réel (--wet-run) : une transaction par ligne."
            if ecrire
            else self.style.WARNING("Simulation : rien n'est écrit (relancez avec --wet-run pour importer).")
        )
        plans = analyser(tableau, edition, options["cp"])
        if options["cp"]:
            date = options["cp"]
            if seance is None and ecrire:
                seance, _ = obtenir_seance(date, edition, acteur)
                self.stdout.write(f"Séance de la CP du {date:%d/%m/%Y} créée (phase « {PHASE_IMPORT} »).")
            elif seance is None:
                self.stdout.write(f"Séance de la CP du {date:%d/%m/%Y} : serait créée (phase « {PHASE_IMPORT} »).")
            else:
                self.stdout.write(f"Séance de la CP du {date:%d/%m/%Y} : existante ({seance.titre}).")
        compte = {"structures": 0, "demandes": 0, "inscriptions": 0, "deja": 0, "rejetees": 0}
        for plan in plans:
            self._ligne(plan, ecrire, acteur, seance, fichier.name, compte, inscrire=options["cp"] is not None)
        self._resume(len(plans), compte, ecrire)

    def _ligne(
        self, plan: LignePlan, ecrire: bool, acteur, seance, fichier: str, compte: dict, inscrire: bool
    ) -> None:  # noqa: ANN001
        if plan.rejetee:
            self._rejet(plan.numero, plan.raison, compte)
            return
        if ecrire:
            try:
                resultat = importer_ligne(plan, acteur, fichier=fichier, seance=seance)
            except Rejet as exc:
                self._rejet(plan.numero, str(exc), compte)
                return
            except DatabaseError as exc:
                self._rejet(plan.numero, f"erreur d'écriture, rien n'a été écrit pour cette ligne ({exc})", compte)
                return
            except Exception as exc:  # une ligne en échec n'arrête jamais les suivantes ; sa transaction est annulée
                raison = f"erreur inattendue ({type(exc).__name__}: {exc}), rien n'a été écrit pour cette ligne"
                self._rejet(plan.numero, raison, compte)
                return
            creee, structure_creee, inscrite = (
                resultat.demande_creee,
                resultat.structure_creee,
                resultat.inscription_creee,
            )
        else:
            creee = plan.existante is None
            structure_creee = creee and plan.structure.creee_par_ligne == plan.numero
            inscrite = inscrire and not self._deja_inscrite(plan, seance)
        compte["structures"] += structure_creee
        compte["demandes"] += creee
        compte["inscriptions"] += inscrite
        compte["deja"] += not creee
        self.stdout.write(self._description(plan, ecrire, creee, structure_creee, inscrite))
        for avertissement in plan.avertissements:
            self.stdout.write(f"    avertissement : {avertissement}")

    @staticmethod
    def _deja_inscrite(plan: LignePlan, seance) -> bool:  # noqa: ANN001
        proposition = getattr(plan.existante, "proposition", None) if plan.existante else None
        return bool(seance and proposition and proposition.inscriptions.filter(seance=seance).exists())

    def _description(self, plan: LignePlan, ecrire: bool, creee: bool, structure_creee: bool, inscrite: bool) -> str:
        prevue = plan.structure
        if structure_creee:
            structure = f"{prevue.nom} (SIRET {prevue.siret}, structure {'créée' if ecrire else 'à créer'})"
        elif prevue.a_creer and creee:
            structure = f"{prevue.nom} (SIRET {prevue.siret}, structure de la ligne {prevue.creee_par_ligne})"
        else:
            structure = f"{prevue.structure.raison_sociale if prevue.structure else prevue.nom} (SIRET {prevue.siret})"
        quantites = ", ".join(f"{nombre(v)} {UNITES[k]}" for k, v in plan.quantites.items())
        montant = euros(plan.montant) + (" (hors budget)" if plan.hors_budget else "")
        details = " · ".join(
            x for x in (plan.territoire.nom, plan.dispositif.code, structure, montant, quantites) if x
        )
        if creee:
            etat = "IMPORTÉE" if ecrire else "À IMPORTER"
            suite = f"demande {plan.reference} reçue et sa proposition"
        else:
            etat = "DÉJÀ IMPORTÉE"
            suite = f"demande {plan.reference} existante, rien à créer"
        if inscrite:
            suite += ", inscrite à la séance" if ecrire else ", à inscrire à la séance"
        return f"Ligne {plan.numero} : {etat} — {details} → {suite}"

    def _rejet(self, numero: int, raison: str, compte: dict) -> None:
        compte["rejetees"] += 1
        self.stdout.write(self.style.ERROR(f"Ligne {numero} : REJETÉE — {raison}"))

    def _resume(self, total: int, compte: dict, ecrire: bool) -> None:
        verbe = "créée(s)" if ecrire else "à créer"
        self.stdout.write(
            f"Résumé : {total} ligne(s) lue(s) ; {compte['demandes']} demande(s) et proposition(s) {verbe}, "
            f"{compte['structures']} structure(s) {verbe}, {compte['inscriptions']} inscription(s) "
            f"{'créée(s)' if ecrire else 'à créer'} ; {compte['deja']} déjà importée(s) ; "
            f"{compte['rejetees']} rejetée(s)."
        )
