"""`manage.py send_reminders [--date AAAA-MM-JJ]` : les relances du jour (bilans, documents annuels)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from aap.bilans.relances import envoyer_relances


class Command(BaseCommand):
    help = (
        "Envoie les courriels de relance du jour : bilans non acceptés des conventions signées et documents "
        "annuels manquants, aux jours prévus avant et après chaque échéance (edition.yaml, "
        "conventionnement.relances). À lancer chaque jour. Idempotent : relancée le même jour, la commande "
        "n'envoie rien deux fois. Un jour manqué n'est PAS rattrapé : seuls les rappels de la date traitée partent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Jour traité, AAAA-MM-JJ (par défaut : aujourd'hui, heure de Paris).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            jour = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date attend une date AAAA-MM-JJ, par exemple 2027-03-24.") from exc
        envoyees = envoyer_relances(jour)
        for relance in envoyees:
            quand = f"J{relance.decalage_jours:+d}"
            self.stdout.write(
                f"{quand} {relance.echeance:%d/%m/%Y} {relance.objet} → {', '.join(relance.destinataires)}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(envoyees)} relance(s) envoyée(s) pour le {jour:%d/%m/%Y}."))
