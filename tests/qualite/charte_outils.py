"""Outils des tests du circuit de la charte (C2) : dispositif 5.2 du catalogue, résultat calculé et noté,
convention 5.2 signée d'une structure (échéancier et bilans de la fiche réelle)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from aap.catalogue.models import Dispositif, SessionAppel
from aap.conventions.models import Convention
from aap.qualite import services
from aap.qualite.models import ResultatCharte
from aap.qualite.selectors import charte_de
from aap.structures.models import Structure
from tests.conventions.factories import fabriquer_convention, inscription_approuvee


DEBUT_2026 = datetime.date(2026, 1, 1)
FIN_2026 = datetime.date(2026, 12, 31)


def d52() -> Dispositif:
    return Dispositif.objects.get(edition__annee=2026, code="5.2")


def poids_appreciation(dispositif: Dispositif) -> dict[str, Decimal]:
    return {c.code: c.poids for c in charte_de(dispositif).criteres if c.nature == "appreciation"}


def calculee(agent, structure: Structure, dispositif: Dispositif | None = None, debut=DEBUT_2026, fin=FIN_2026):
    return services.calculer(acteur=agent, structure=structure, dispositif=dispositif or d52(), debut=debut, fin=fin)


def noter_tout(agent, resultat: ResultatCharte, points: dict[str, Decimal] | None = None) -> ResultatCharte:
    """Note chaque critère d'appréciation (tous les points par défaut, ou `points[code]`)."""
    for code, poids in poids_appreciation(resultat.dispositif).items():
        valeur = (points or {}).get(code, poids)
        services.noter_critere(acteur=agent, resultat=resultat, critere=code, points=valeur, commentaire="Vu.")
    resultat.refresh_from_db()
    return resultat


def points_pour(dispositif: Dispositif, score: Decimal) -> dict[str, Decimal]:
    """Des points d'appréciation qui donnent `score` % quand tous les critères calculés sont sans objet (et
    aucun bonus) : on retire des points aux critères dans l'ordre de la grille."""
    poids = poids_appreciation(dispositif)
    total = sum(poids.values(), Decimal(0))
    a_retirer = total - total * score / 100
    points = {}
    for code, p in poids.items():
        retrait = min(p, a_retirer)
        points[code] = p - retrait
        a_retirer -= retrait
    assert a_retirer == 0 and (sum(points.values(), Decimal(0)) * 100 / total) == score
    return points


def convention_52(structure: Structure, montant: Decimal = Decimal("10000.00")) -> Convention:
    """Une convention signée d'une opération 5.2 (fiche réelle : avance 30, acompte 50, solde 20 ; parts 40 %
    volume, 60 % qualité), du 01/01/2026 au 31/12/2027."""
    session = SessionAppel.objects.get(dispositif=d52(), numero=1)
    inscription = inscription_approuvee(structure, montant, session=session)
    return fabriquer_convention(structure=structure, inscriptions=[inscription], statut="signee")
