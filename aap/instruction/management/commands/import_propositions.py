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

from aap.instruction.importation.lecture import FichierIllisible, lire_tableau
from aap.instruction.importation.resume import (
    Compte,
    description_ligne,
    phrase_resume,
    phrase_seance,
    traiter_ligne,
)
from aap.instruction.importation.service import (
    ImportImpossible,
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
                self.stdout.write(phrase_seance(date, seance, creee=True))
            else:
                self.stdout.write(phrase_seance(date, seance))
        compte = Compte()
        for plan in plans:
            issue = traiter_ligne(
                plan,
                ecrire=ecrire,
                acteur=acteur,
                seance=seance,
                fichier=fichier.name,
                inscrire=options["cp"] is not None,
            )
            compte.ajouter(issue)
            if issue.rejetee:
                self.stdout.write(self.style.ERROR(description_ligne(issue)))
                continue
            self.stdout.write(description_ligne(issue))
            for avertissement in plan.avertissements:
                self.stdout.write(f"    avertissement : {avertissement}")
        self.stdout.write(phrase_resume(compte, ecrire))
