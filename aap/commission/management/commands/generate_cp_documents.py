"""`manage.py generate_cp_documents YYYY-MM-DD --out DIR` : rapport, délibération et annexe d'une séance.

Sort en erreur (code 1), sans rien écrire, en listant chaque incohérence bloquante."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aap.commission.coherence import controler
from aap.commission.dossier import construire_dossier
from aap.commission.generation import DocumentsBloques, generer_documents
from aap.commission.models import SeanceCP


class Command(BaseCommand):
    help = "Génère le rapport, la délibération (DOCX, PDF) et l'annexe des financements (XLSX, PDF) d'une CP."

    def add_arguments(self, parser) -> None:
        parser.add_argument("date", help="date de la séance, AAAA-MM-JJ")
        parser.add_argument("--out", required=True, type=Path, help="dossier où écrire les documents")

    def handle(self, *args, date: str, out: Path, **options) -> None:
        self._verbosite = options.get("verbosity", 1)
        try:
            jour = datetime.date.fromisoformat(date)
        except ValueError as exc:
            raise CommandError(f"Date invalide « {date} » : attendu AAAA-MM-JJ.") from exc
        seance = SeanceCP.objects.select_related("edition", "president_seance", "secretaire").filter(date=jour).first()
        if seance is None:
            raise CommandError(f"Aucune séance de la Commission permanente le {jour:%d/%m/%Y}.")
        for avertissement in (i for i in controler(construire_dossier(seance)) if not i.bloquante):
            self.stderr.write(f"Avertissement [{avertissement.code}] : {avertissement.message}")
        try:
            chemins = generer_documents(seance, out, self._progression)
        except DocumentsBloques as exc:
            for incoherence in exc.incoherences:
                self.stderr.write(f"Erreur [{incoherence.code}] : {incoherence.message}")
            raise CommandError(
                f"{len(exc.incoherences)} incohérence(s) bloquante(s) : aucun document n'a été écrit."
            ) from exc
        for chemin in chemins:
            self.stdout.write(str(chemin))

    def _progression(self, pourcent: int, etape: str) -> None:
        if self._verbosite >= 2:
            self.stderr.write(f"{pourcent:3d} % {etape}")
