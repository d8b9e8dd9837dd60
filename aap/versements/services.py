"""Services des versements : échéancier d'une opération, exigibilité. Une transaction par changement d'état,
l'acteur passé en paramètre, une ligne d'audit écrite."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from aap.conventions.models import Operation
from aap.core import audit
from aap.core.models import User
from aap.versements import rules
from aap.versements.models import Echeance, StatutEcheance


def creer_echeancier(operation: Operation) -> list[Echeance]:
    """Chiffre l'échéancier figé dans `operation.regles` (appelé à la génération de la convention)."""
    echeancier = operation.regles["echeancier"]
    montants = rules.repartir(operation.montant, [Decimal(str(e["taux"])) for e in echeancier])
    return Echeance.objects.bulk_create(
        Echeance(
            operation=operation,
            rang=rang,
            type=e["type"],
            taux=Decimal(str(e["taux"])),
            taux_est_maximum=bool(e.get("taux_est_maximum")),
            montant_prevu=montant,
            declencheur=e["declencheur"][:255],
            bilan_type=e.get("bilan") or "",
        )
        for rang, (e, montant) in enumerate(zip(echeancier, montants, strict=True), start=1)
    )


def rendre_exigibles(
    operation: Operation, acteur: User | None, *, bilan_type: str = "", at: datetime.datetime | None = None
) -> list[Echeance]:
    """Rend exigibles les échéances « à venir » déclenchées par la signature (`bilan_type` vide) ou par
    l'acceptation du bilan `bilan_type`. À appeler dans la transaction du changement d'état déclencheur."""
    at = at or timezone.now()
    with transaction.atomic():
        echeances = list(
            operation.echeances.select_for_update().filter(statut=StatutEcheance.A_VENIR, bilan_type=bilan_type)
        )
        for echeance in echeances:
            echeance.statut = StatutEcheance.EXIGIBLE
            echeance.exigible_le = at
            echeance.save(update_fields=["statut", "exigible_le"])
            audit.log(acteur, "echeance.exigible", echeance, at=at, convention=operation.convention.numero)
    return echeances
