"""manage.py importer_parcours <orientations|evenements> <fichier.csv> [--appliquer] [--acteur EMAIL]

Simulation par défaut (rien n'est écrit) ; `--appliquer` écrit, une transaction par ligne (un contrat et ses
actions ensemble). Imprime le rapport ; code de sortie 1 si une ligne est rejetée. Colonnes :
docs/imports-parcours.md.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aap.core.models import Role, User
from aap.parcours.imports.colonnes import NATURES, ORIENTATIONS
from aap.parcours.imports.communs import ETATS, ImportImpossible
from aap.parcours.imports.lecture import FichierIllisible
from aap.parcours.imports.moteur import importer


class Command(BaseCommand):
    help = "Importe un CSV d'orientations (SI RSA) ou d'événements des parcours (outil d'une structure)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nature", choices=list(NATURES))
        parser.add_argument("fichier", type=Path)
        parser.add_argument("--appliquer", action="store_true", help="écrire pour de bon (sinon : simulation)")
        parser.add_argument(
            "--acteur",
            help="adresse du compte au nom duquel importer (orientations : agent SLAI ou DPID, par défaut le "
            "premier administrateur ; événements : référent de la structure, obligatoire)",
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        nature, chemin = options["nature"], options["fichier"]
        acteur = self._acteur(nature, options["acteur"])
        try:
            contenu = chemin.read_bytes()
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {exc.strerror or exc}.") from None
        try:
            rapport = importer(nature, contenu, acteur, appliquer=options["appliquer"])
        except (ImportImpossible, FichierIllisible) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Fichier {chemin.name} : {rapport.encodage}, séparateur « {rapport.separateur} ».")
        if rapport.colonnes_ignorees:
            self.stdout.write(f"Colonnes ignorées : {', '.join(rapport.colonnes_ignorees)}.")
        for ligne in rapport.lignes:
            entete = f"Ligne {ligne.numero} [{ligne.type or '?'}{' ' + ligne.reference if ligne.reference else ''}]"
            if ligne.erreurs:
                for colonne, message in ligne.erreurs:
                    self.stdout.write(f"{entete} rejetée — {colonne + ' : ' if colonne else ''}{message}")
            else:
                self.stdout.write(f"{entete} {ETATS[ligne.etat]} {ligne.objet}")
            for avertissement in ligne.avertissements:
                self.stdout.write(f"{entete} avertissement — {avertissement}")
        self.stdout.write(rapport.phrase())
        if rapport.rejetees:
            raise SystemExit(1)

    def _acteur(self, nature: str, email: str | None) -> User:
        if email:
            acteur = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if acteur is None:
                raise CommandError(f"Aucun compte actif n'a l'adresse « {email} ».")
            return acteur
        if nature != ORIENTATIONS:
            raise CommandError("Désignez le référent de la structure avec --acteur EMAIL.")
        acteur = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("date_joined", "pk").first()
        if acteur is None:
            raise CommandError("Aucun administrateur actif : désignez l'agent avec --acteur EMAIL.")
        return acteur
