"""Outils des tests des versements : convention signée prête à payer, bilans déposés et acceptés."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from aap.bilans.models import Bilan, StatutBilan
from aap.conventions.models import Convention, Operation
from aap.versements.services import rendre_exigibles
from tests.conventions.factories import fabriquer_convention
from tests.factories import StructureFactory


PARIS = datetime.timezone(datetime.timedelta(hours=1))


def instant(annee: int, mois: int, jour: int) -> datetime.datetime:
    return datetime.datetime(annee, mois, jour, 10, 0, tzinfo=PARIS)


def convention_signee(montants: list[Decimal] | None = None, **structure) -> Convention:
    """Convention signée (modèle F01 : 30 / 50 / 20, parts 40 % volume + 60 % qualité), RIB complet."""
    structure = StructureFactory(bic="AGRIFRPP862", **structure)
    return fabriquer_convention(structure=structure, montants=montants or [Decimal("10000.00")], statut="signee")


def signer(convention: Convention, acteur, at: datetime.datetime | None = None) -> None:
    for operation in convention.operations.all():
        rendre_exigibles(operation, acteur, at=at or instant(2026, 6, 1))


def accepter_bilan(
    operation: Operation,
    type: str,
    acteur,
    *,
    realisations: dict | None = None,
    score: Decimal | None = None,
    at: datetime.datetime | None = None,
) -> Bilan:
    """Ce que fera le service des bilans : bilan accepté puis échéances déclenchées, dans la même transaction."""
    bilan = Bilan.objects.get(operation=operation, type=type)
    bilan.realisations = realisations or {}
    bilan.score_qualite = score
    bilan.statut = StatutBilan.ACCEPTE
    bilan.decide_par = acteur
    bilan.decide_le = at or timezone.now()
    bilan.save()
    rendre_exigibles(operation, acteur, bilan_type=type, at=at)
    return bilan
