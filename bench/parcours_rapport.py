"""Banc des parcours : chronométrage (meilleur de N), comparaison des résultats, tableau des temps et ratios."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from aap.catalogue.models import Dispositif


#: (dispositif_id, structure_id, code du critère) → (numérateur, dénominateur)
Resultats = dict[tuple[int, int, str], tuple[int, int]]


@dataclass(frozen=True)
class Temps:
    methode: str
    secondes: float  # meilleur temps (ou temps extrapolé pour la boucle ORM)
    essais: list[float]
    lignes: int  # lignes des tables lues (orientations et événements)
    note: str = ""

    @property
    def lignes_par_s(self) -> float:
        return self.lignes / self.secondes if self.secondes else float("inf")

    def as_dict(self) -> dict:
        return {**asdict(self), "lignes_par_s": round(self.lignes_par_s)}


def meilleur_de(fonction: Callable[[], object], repetitions: int) -> tuple[float, list[float], object]:
    """Un tour de chauffe non mesuré, puis `repetitions` tours chronométrés (horloge murale) ; rend
    (meilleur temps, tous les temps, résultat du dernier tour)."""
    resultat = fonction()
    essais = []
    for _ in range(max(1, repetitions)):
        debut = time.perf_counter()
        resultat = fonction()
        essais.append(time.perf_counter() - debut)
    return min(essais), [round(e, 4) for e in essais], resultat


def depuis_mesurer(par_dispositif: dict[int, dict[int, dict[str, object]]]) -> Resultats:
    """Aplatit les résultats de `aap.qualite.calcul.mesurer` (un par dispositif) ; les mesures sans objet
    (dénominateur nul) sont omises, comme dans les deux autres calculs."""
    plat: Resultats = {}
    for dispositif_id, structures in par_dispositif.items():
        for structure_id, mesures in structures.items():
            for code, m in mesures.items():
                if m.denominateur:
                    plat[(dispositif_id, structure_id, code)] = (_entier(m.numerateur), int(m.denominateur))
    return plat


def _entier(x: object) -> int:
    n = int(x)
    if n != x:
        raise ValueError(f"numérateur non entier : {x}")
    return n


def restreindre(resultats: Resultats, structures: set[int]) -> Resultats:
    return {k: v for k, v in resultats.items() if k[1] in structures}


def differences(attendu: Resultats, obtenu: Resultats) -> list[tuple[tuple[int, int, str], object, object]]:
    """Les clés où les deux calculs diffèrent (absent = sans objet), triées."""
    return [
        (k, attendu.get(k), obtenu.get(k))
        for k in sorted(set(attendu) | set(obtenu))
        if attendu.get(k) != obtenu.get(k)
    ]


def verdict(nom: str, diffs: list, codes: dict[int, str], afficher: Callable[[str], None], limite: int = 12) -> bool:
    if not diffs:
        afficher(f"{nom} : identiques")
        return True
    afficher(f"{nom} : {len(diffs)} différence(s) (numérateur, dénominateur) :")
    for (d, s, critere), a, b in diffs[:limite]:
        afficher(f"  dispositif {codes.get(d, d)}, structure {s}, critère {critere} : {a} ≠ {b}")
    return False


def tableau(temps: list[Temps], reference: Temps) -> str:
    entete = f"{'calcul':<44} {'temps (s)':>11} {'lignes/s':>13} {'ratio / PostgreSQL':>19}"
    lignes = [entete, "-" * len(entete)]
    for t in temps:
        ratio = t.secondes / reference.secondes if reference.secondes else float("nan")
        lignes.append(
            f"{t.methode:<44} {_nombre(t.secondes, 3):>11} {_nombre(t.lignes_par_s, 0):>13} {fois(ratio):>19}"
        )
    return "\n".join(lignes)


def _nombre(x: float, decimales: int) -> str:
    """Format français : espace fine pour les milliers, virgule décimale."""
    return f"{x:,.{decimales}f}".replace(",", " ").replace(".", ",")


def fois(ratio: float) -> str:
    """« × 0,19 », « × 269 » : deux décimales sous 10, aucune au-delà."""
    return f"× {_nombre(ratio, 2 if ratio < 10 else 0)}"


def codes_dispositifs(dispositifs: list[Dispositif]) -> dict[int, str]:
    return {d.pk: d.code for d in dispositifs}
