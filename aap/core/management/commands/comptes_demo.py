from django.conf import settings
from django.core.management.base import BaseCommand

from aap.core.demo.comptes import COMPTES, MOT_DE_PASSE_DEMO


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration (un par rôle)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(
            self.style.SUCCESS(f"\nComptes de démonstration (mot de passe commun : {MOT_DE_PASSE_DEMO})")
        )
        width = max(len(c.email) for c in COMPTES)
        for c in COMPTES:
            detail = f" — {c.description}" if c.description else ""
            self.stdout.write(f"  {c.email.ljust(width)}  {c.role.label}{detail}")
        self.stdout.write(f"\nApplication : {settings.SITE_URL}  ·  Administration : {settings.SITE_URL}/admin/")
        self.stdout.write("Les courriels (liens de mot de passe, accusés de réception) s'affichent ici.\n")
