"""`manage.py export_catalogue 2026 [--out fichier.json]` : le catalogue chargé, en JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aap.catalogue.export import exporter_edition
from aap.catalogue.models import Edition


class Command(BaseCommand):
    help = "Exporte en JSON l'édition chargée (montants et taux en chaînes décimales, dates ISO)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("annee", type=int)
        parser.add_argument("--out", type=Path, default=None, help="fichier de sortie (sinon la sortie standard)")

    def handle(self, *args: object, annee: int, out: Path | None, **options: object) -> None:
        edition = Edition.objects.filter(annee=annee).first()
        if edition is None:
            raise CommandError(
                f"Aucune édition {annee} en base : lancez d'abord « manage.py load_catalogue {annee} »."
            )
        texte = json.dumps(exporter_edition(edition), ensure_ascii=False, indent=2)
        if out is None:
            self.stdout.write(texte)
        else:
            out.write_text(texte + "\n", encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Édition {annee} exportée dans {out}."))
