"""Règles de calcul des versements, en fonctions pures sur des `Decimal` (aucun accès à la base)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal


CENTIME = Decimal("0.01")
CENT = Decimal(100)


def centimes(montant: Decimal) -> Decimal:
    """Tronque au centime inférieur : une échéance n'excède jamais sa part exacte ; le reliquat va à la dernière."""
    return montant.quantize(CENTIME, rounding=ROUND_DOWN)


def repartir(montant: Decimal, taux: Sequence[Decimal]) -> list[Decimal]:
    """Montants des échéances d'une subvention selon les taux de l'échéancier (qui totalisent 100 %).

    Chaque échéance sauf la dernière reçoit sa part tronquée au centime ; la dernière reçoit le reste, si bien que
    la somme est exactement `montant` et que les résidus d'arrondi vont à la dernière échéance.
    """
    if not taux:
        raise ValueError("échéancier vide")
    if sum(taux, Decimal(0)) != CENT:
        raise ValueError(f"les taux totalisent {sum(taux, Decimal(0))} % au lieu de 100 %")
    if montant < 0 or montant != montant.quantize(CENTIME):
        raise ValueError("montant négatif ou non exprimé au centime")
    parts = [centimes(montant * t / CENT) for t in taux[:-1]]
    return [*parts, montant - sum(parts, Decimal(0))]
