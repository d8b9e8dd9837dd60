"""Aides communes aux documents de la CP : textes (`data/textes.yaml`), montants et dates en français."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from aap.core.dates import MOIS, date_longue  # noqa: F401 - réexporté pour les documents de la CP
from aap.core.templatetags.aap_ui import NBSP, format_decimal


TEXTES = Path(__file__).resolve().parent.parent / "data" / "textes.yaml"
CENTIME = Decimal("0.01")


@cache
def textes() -> dict[str, Any]:
    """Les textes de la délibération et du rapport (visas, articles, formules), lus une fois."""
    with TEXTES.open(encoding="utf-8") as fichier:
        return yaml.safe_load(fichier)


def centimes(valeur: Decimal | int) -> Decimal:
    """Le montant arrondi au centime (arrondi commercial)."""
    return Decimal(valeur).quantize(CENTIME, rounding=ROUND_HALF_UP)


def montant(valeur: Decimal | int | None) -> str:
    """« 7 160 596,73 € » : toujours deux décimales, espaces insécables."""
    return f"{format_decimal(centimes(valeur or 0))}{NBSP}€"


def chiffres(valeur: Decimal | int | None) -> str:
    """Le montant sans symbole (« 7 160 596,73 »), pour les colonnes en euros."""
    return format_decimal(centimes(valeur or 0))


def nombre(valeur: Decimal | int | None) -> str:
    """« 26,2 », « 1 834 » : zéros décimaux inutiles retirés."""
    if valeur is None:
        return "0"
    if isinstance(valeur, int):
        return format_decimal(valeur, 0)
    texte = format_decimal(valeur, 2)
    return texte.rstrip("0").rstrip(",") if "," in texte else texte


def date_capitales(jour: datetime.date) -> str:
    """« 26 MAI 2026 » (en-tête de la délibération)."""
    return f"{jour.day} {MOIS[jour.month - 1]} {jour.year}".upper()


def date_courte(jour: datetime.date | None) -> str:
    return jour.strftime("%d/%m/%Y") if jour else ""


def pluriel(nombre_: int | Decimal) -> str:
    return "s" if nombre_ > 1 else ""


def enumeration(elements: list[str], conjonction: str = "et") -> str:
    """« A, B et C »."""
    if len(elements) <= 1:
        return "".join(elements)
    return f"{', '.join(elements[:-1])} {conjonction} {elements[-1]}"


def normaliser(texte: str) -> str:
    """Espaces insécables ramenés à des espaces (relecture des documents, comparaisons)."""
    return texte.replace(NBSP, " ").replace("\u202f", " ")
