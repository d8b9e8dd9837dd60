"""`manage.py purger_parcours [--date AAAA-MM-JJ] [--dry-run]` : anonymisation des personnes dont le délai de
conservation après la sortie est dépassé (`AAP_PARCOURS_CONSERVATION_MOIS`, 36 mois par défaut), et suppression des
fichiers CSV d'import des parcours déposés depuis plus de 30 jours (ils contiennent des données personnelles)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from aap.parcours.confidentialite import anonymiser_personnes, limite_conservation
from aap.parcours.imports.taches import purger_fichiers


class Command(BaseCommand):
    help = (
        "Anonymise les personnes accompagnées dont toutes les orientations sont sorties depuis plus que le délai "
        "de conservation (AAP_PARCOURS_CONSERVATION_MOIS) : identité effacée, justificatifs supprimés, événements "
        "des parcours conservés pour la charte et l'observatoire ; supprime aussi les fichiers d'import des parcours "
        "déposés depuis plus de 30 jours. À lancer chaque jour. Idempotente : une "
        "personne n'est anonymisée qu'une fois. --dry-run compte sans rien modifier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Jour de référence, AAAA-MM-JJ (par défaut : aujourd'hui, heure de Paris).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Simulation : compte les personnes sans rien modifier."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            jour = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date attend une date AAAA-MM-JJ, par exemple 2029-06-01.") from exc
        simulation = options["dry_run"]
        nombre = anonymiser_personnes(jour, dry_run=simulation)
        limite = limite_conservation(jour)
        delai = settings.AAP_PARCOURS_CONSERVATION_MOIS
        if simulation:
            message = (
                f"Simulation : {nombre} personne(s) à anonymiser (sorties avant le {limite:%d/%m/%Y}, {delai} mois)."
            )
            self.stdout.write(message)
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{nombre} personne(s) anonymisée(s) (sorties avant le {limite:%d/%m/%Y}, délai de {delai} mois)."
                )
            )
            fichiers = purger_fichiers(timezone.make_aware(datetime.datetime.combine(jour, datetime.time(12))))
            self.stdout.write(
                f"{len(fichiers)} fichier(s) d'import des parcours supprimé(s) (déposés il y a 30 jours)."
            )
