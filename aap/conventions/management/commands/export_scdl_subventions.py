"""`manage.py export_scdl_subventions AAAA --out FICHIER.csv [--tous]` : données essentielles des conventions
signées dans l'année, au format SCDL « Subventions » v2.1.1 (voir aap/conventions/scdl.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aap.conventions.scdl import exporter


class Command(BaseCommand):
    help = "Exporte les conventions signées dans l'année au format SCDL Subventions 2.1.1 (CSV UTF-8)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("annee", type=int, help="année de signature par le Département, AAAA")
        parser.add_argument("--out", required=True, type=Path, help="fichier CSV à écrire")
        parser.add_argument(
            "--tous", action="store_true", help="toutes les conventions, pas seulement celles au-delà du seuil"
        )

    def handle(self, *args, annee: int, out: Path, tous: bool = False, **options) -> None:
        if not 2000 <= annee <= 2100:
            raise CommandError(f"Année invalide : {annee}.")
        contenu, nombre = exporter(annee, tous)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(contenu, encoding="utf-8", newline="")
        portee = "toutes les conventions" if tous else "conventions au-delà du seuil de publication"
        self.stdout.write(f"{nombre} convention(s) signée(s) en {annee} ({portee}) écrite(s) dans {out}")
