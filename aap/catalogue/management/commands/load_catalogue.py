"""`manage.py load_catalogue 2026` : valide tous les fichiers de l'édition puis la charge (tout ou rien)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aap.catalogue.loader import CatalogueInvalide, charger_edition


class Command(BaseCommand):
    help = "Valide et charge une édition du catalogue (catalogue/data/<année>/) ; rien n'est chargé en cas d'erreur."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("annee", type=int, help="année de l'édition, ex. 2026")
        parser.add_argument("--dossier", type=Path, default=None, help="dossier de l'édition (contient edition.yaml)")

    def handle(self, *args: object, annee: int, dossier: Path | None, **options: object) -> None:
        try:
            chargement = charger_edition(annee, dossier)
        except CatalogueInvalide as exc:
            raise CommandError(f"{exc}\nRien n'a été chargé.") from None
        self.stdout.write(self.style.SUCCESS(chargement.resume()))
