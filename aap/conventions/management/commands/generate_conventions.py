"""`manage.py generate_conventions AAAA-MM-JJ [--acteur EMAIL]` : les conventions de la CP de ce jour.

Une convention par structure (toutes ses opérations approuvées), numérotée, avec échéancier, bilans et document
Word ; relancée, la commande ne crée rien de nouveau. Les propositions « avenant » sont listées à part."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from aap.commission.models import SeanceCP
from aap.conventions.generation import CompteRendu, GenerationImpossible, generer_conventions_seance
from aap.core.models import Role, User


class Command(BaseCommand):
    help = "Génère les conventions (DOCX) des inscriptions approuvées d'une séance de la Commission permanente."

    def add_arguments(self, parser) -> None:
        parser.add_argument("date", help="date de la séance, AAAA-MM-JJ")
        parser.add_argument("--acteur", help="adresse du compte qui génère (défaut : le premier administrateur)")

    def handle(self, *args, date: str, acteur: str | None = None, **options) -> None:
        try:
            jour = datetime.date.fromisoformat(date)
        except ValueError as exc:
            raise CommandError(f"Date invalide « {date} » : attendu AAAA-MM-JJ.") from exc
        seance = SeanceCP.objects.select_related("edition").filter(date=jour).first()
        if seance is None:
            raise CommandError(f"Aucune séance de la Commission permanente le {jour:%d/%m/%Y}.")
        utilisateur = self._acteur(acteur)
        compte = CompteRendu()
        try:
            generer_conventions_seance(seance, utilisateur, compte=compte)
        except GenerationImpossible as exc:
            raise CommandError(str(exc)) from exc
        for ligne in compte.lignes():
            self.stdout.write(ligne)
        self.stdout.write(
            f"{len(compte.creees)} convention(s) générée(s), {len(compte.completees)} complétée(s), "
            f"{len(compte.par_avenant) + len(compte.convention_signee)} inscription(s) à traiter par avenant."
        )

    def _acteur(self, email: str | None) -> User:
        if email:
            utilisateur = User.objects.filter(email__iexact=email, is_active=True).first()
            if utilisateur is None:
                raise CommandError(f"Aucun compte actif « {email} ».")
            return utilisateur
        utilisateur = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        if utilisateur is None:
            raise CommandError("Aucun administrateur : précisez --acteur EMAIL.")
        return utilisateur
