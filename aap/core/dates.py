"""Dates écrites en toutes lettres, à la française : « 1er janvier 2026 », « octobre 2026 »."""

from __future__ import annotations

import datetime


MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def date_longue(jour: datetime.date) -> str:
    """« 1er janvier 2026 », « 31 décembre 2027 »."""
    quantieme = "1er" if jour.day == 1 else str(jour.day)
    return f"{quantieme} {MOIS[jour.month - 1]} {jour.year}"


def mois_annee(jour: datetime.date) -> str:
    """« octobre 2026 »."""
    return f"{MOIS[jour.month - 1]} {jour.year}"
