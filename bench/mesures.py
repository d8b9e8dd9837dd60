"""Statistiques d'une série de requêtes : percentiles de latence, débit, erreurs ; tableau texte."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Resultat:
    """Ce qu'un scénario a mesuré. Latences en millisecondes, débit en requêtes par seconde."""

    scenario: str
    requetes: int
    erreurs: int
    duree_s: float | None
    debit: float | None
    p50: float
    p95: float
    p99: float
    moyenne: float
    maximum: float

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(valeurs_triees: Sequence[float], p: float) -> float:
    """Percentile `p` (0-100) par la méthode du rang le plus proche (une valeur observée, jamais interpolée)."""
    if not valeurs_triees:
        return math.nan
    if not 0 <= p <= 100:
        raise ValueError("p doit être entre 0 et 100")
    rang = max(1, math.ceil(p / 100 * len(valeurs_triees)))
    return valeurs_triees[rang - 1]


def resumer(scenario: str, latences_s: Sequence[float], erreurs: int, duree_s: float | None) -> Resultat:
    """Résume les latences (en secondes) des requêtes réussies ; le débit compte toutes les réponses.

    `duree_s=None` : pas de débit (une variante mêlée à d'autres dans la même série n'en a pas)."""
    ms = sorted(x * 1000 for x in latences_s)
    total = len(ms) + erreurs
    return Resultat(
        scenario=scenario,
        requetes=total,
        erreurs=erreurs,
        duree_s=round(duree_s, 3) if duree_s is not None else None,
        debit=round(total / duree_s, 1) if duree_s else None,
        p50=round(percentile(ms, 50), 1),
        p95=round(percentile(ms, 95), 1),
        p99=round(percentile(ms, 99), 1),
        moyenne=round(sum(ms) / len(ms), 1) if ms else math.nan,
        maximum=round(ms[-1], 1) if ms else math.nan,
    )


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 1) if a is not None and b else None


def tableau(resultats: Sequence[Resultat]) -> str:
    """Tableau aligné, une ligne par scénario."""
    entetes = ("scénario", "requêtes", "erreurs", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms")
    lignes = [
        (
            r.scenario,
            str(r.requetes),
            str(r.erreurs),
            "—" if r.debit is None else f"{r.debit:.1f}",
            f"{r.p50:.1f}",
            f"{r.p95:.1f}",
            f"{r.p99:.1f}",
            f"{r.maximum:.1f}",
        )
        for r in resultats
    ]
    largeurs = [max(len(x) for x in col) for col in zip(entetes, *lignes, strict=True)]

    def fmt(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, largeurs, strict=True))
        )

    sep = "  ".join("-" * w for w in largeurs)
    return "\n".join([fmt(entetes), sep, *(fmt(ligne) for ligne in lignes)])


def ratios(resultats: Sequence[Resultat], reference: str) -> dict[str, dict[str, float]]:
    """Pour chaque scénario autre que `reference` : p50, p95 et débit rapportés à ceux de la référence."""
    base = next(r for r in resultats if r.scenario == reference)
    return {
        r.scenario: {
            "p50": ratio(r.p50, base.p50),
            "p95": ratio(r.p95, base.p95),
            "debit": ratio(base.debit, r.debit),
        }
        for r in resultats
        if r.scenario != reference
    }
