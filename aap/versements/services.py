"""Services des versements : échéancier d'une opération, exigibilité. Une transaction par changement d'état,
l'acteur passé en paramètre, une ligne d'audit écrite."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from aap.conventions.models import Operation
from aap.core import audit
from aap.core.models import User
from aap.versements import rules
from aap.versements.models import (
    Echeance,
    OrdreReversement,
    StatutEcheance,
    StatutReversement,
    StatutVersement,
    Versement,
)


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


#: Versements comptés comme « versés » (liquidés : validés, transmis ou payés).
STATUTS_VERSES = (StatutVersement.VALIDE, StatutVersement.EXPORTE, StatutVersement.PAYE)


def deja_verse(operation: Operation) -> Decimal:
    """Ce qui a été liquidé pour l'opération (validé, transmis aux finances ou payé)."""
    total = Versement.objects.filter(echeance__operation=operation, statut__in=STATUTS_VERSES).aggregate(
        total=models.Sum("montant")
    )["total"]
    return total or Decimal("0.00")


def deja_reclame(operation: Operation) -> Decimal:
    """Ce que les ordres de reversement non annulés réclament déjà pour l'opération."""
    total = (
        OrdreReversement.objects.filter(operation=operation)
        .exclude(statut=StatutReversement.ANNULE)
        .aggregate(total=models.Sum("montant"))["total"]
    )
    return total or Decimal("0.00")


def emettre_reversement(
    operation: Operation,
    acteur: User,
    *,
    origine: str,
    montant: Decimal,
    motif: str,
    calcul: dict | None = None,
    at: datetime.datetime | None = None,
) -> OrdreReversement:
    """Émet un ordre de reversement (titre de recette) ; jamais plus que ce qui a été versé pour l'opération et
    n'est pas déjà réclamé par un ordre non annulé."""
    with transaction.atomic():
        Operation.objects.select_for_update().get(pk=operation.pk)
        reclamable = deja_verse(operation) - deja_reclame(operation)
        if montant <= 0:
            raise ValueError("Un ordre de reversement porte sur un montant positif.")
        if montant > reclamable:
            raise ValueError(
                f"On ne peut pas réclamer {montant} € : {reclamable} € versés restent à réclamer pour cette opération."
            )
        ordre = OrdreReversement.objects.create(
            convention=operation.convention,
            operation=operation,
            origine=origine,
            montant=montant,
            motif=motif,
            calcul=calcul or {},
            emis_par=acteur,
            emis_le=at or timezone.now(),
        )
        audit.log(acteur, "reversement.emettre", ordre, at=at, origine=origine, montant=montant)
    return ordre
