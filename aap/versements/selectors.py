"""Lectures des versements pour les pages : listes filtrées et leurs totaux, conventions bloquées, échéancier
d'une opération (partiel de la fiche convention), exports visibles. Toujours à travers les `for_user`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models.functions import Coalesce

from aap.conventions.models import Convention, Operation
from aap.core.models import Role, User
from aap.versements.blocages import blocages
from aap.versements.models import (
    Echeance,
    ExportFinances,
    OrdreReversement,
    StatutReversement,
    StatutVersement,
    Versement,
)
from aap.versements.reversements import reste_du


#: Qui voit les exports vers les finances (et télécharge leurs fichiers).
ROLES_EXPORTS = frozenset({Role.FINANCES, Role.GESTIONNAIRE, Role.INSTRUCTEUR, Role.ADMIN})


def versements_pour(user: User) -> models.QuerySet[Versement]:
    return Versement.objects.for_user(user).select_related(
        "convention__structure", "echeance__operation__dispositif", "export"
    )


def reversements_pour(user: User) -> models.QuerySet[OrdreReversement]:
    """Les ordres visibles, annotés de ce qui a été remboursé (`rembourse`)."""
    return (
        OrdreReversement.objects.for_user(user)
        .select_related("convention__structure", "operation__dispositif")
        .annotate(
            rembourse=Coalesce(
                models.Sum("remboursements__montant"),
                models.Value(Decimal("0.00")),
                output_field=models.DecimalField(max_digits=14, decimal_places=2),
            )
        )
    )


def exports_pour(user: User) -> models.QuerySet[ExportFinances]:
    if not user.is_authenticated or user.role not in ROLES_EXPORTS:
        return ExportFinances.objects.none()
    return ExportFinances.objects.select_related("cree_par")


def totaux(qs: models.QuerySet[Versement]) -> dict:
    return qs.aggregate(nombre=models.Count("pk"), montant=models.Sum("montant"))


def conventions_bloquees(conventions: models.QuerySet[Convention], jour: datetime.date) -> dict[int, list[str]]:
    """Les blocages de chaque convention donnée (seules celles qui en ont)."""
    resultat = {}
    for convention in conventions.select_related("structure"):
        raisons = blocages(convention, jour)
        if raisons:
            resultat[convention.pk] = raisons
    return resultat


def bloques(qs: models.QuerySet[Versement], jour: datetime.date) -> dict[int, list[str]]:
    """Blocages des conventions ayant des versements proposés dans `qs` (ceux qu'on voudrait valider)."""
    ids = qs.filter(statut=StatutVersement.PROPOSE).values("convention_id")
    return conventions_bloquees(Convention.objects.filter(pk__in=ids), jour)


@dataclass
class EcheancierOperation:
    """Ce que montre le partiel « versements/_operation.html »."""

    echeances: list[Echeance]
    reversements: list[OrdreReversement]
    blocages: list[str] = field(default_factory=list)
    prevu: Decimal = Decimal("0.00")
    verse: Decimal = Decimal("0.00")
    reclame: Decimal = Decimal("0.00")


def echeancier_operation(operation: Operation, user: User, jour: datetime.date) -> EcheancierOperation | None:
    """L'échéancier de l'opération, ses versements et reversements, et les blocages s'il reste à verser ;
    None si l'utilisateur ne voit pas la convention."""
    if not Convention.objects.for_user(user).filter(pk=operation.convention_id).exists():
        return None
    echeances = list(Echeance.objects.filter(operation=operation).select_related("versement").order_by("rang"))
    reversements = list(reversements_pour(user).filter(operation=operation).order_by("emis_le", "pk"))
    for ordre in reversements:
        ordre.reste = reste_du(ordre)
    versements = [getattr(e, "versement", None) for e in echeances]
    a_valider = any(v is not None and v.statut == StatutVersement.PROPOSE for v in versements)
    return EcheancierOperation(
        echeances=echeances,
        reversements=reversements,
        blocages=blocages(operation.convention, jour) if a_valider else [],
        prevu=sum((e.montant_prevu for e in echeances), Decimal("0.00")),
        verse=sum(
            (v.montant for v in versements if v is not None and v.statut in ("valide", "exporte", "paye")),
            Decimal("0.00"),
        ),
        reclame=sum((o.montant for o in reversements if o.statut != StatutReversement.ANNULE), Decimal("0.00")),
    )
