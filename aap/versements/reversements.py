"""Suivi des ordres de reversement jusqu'au remboursement : encaissements (jamais plus que le reste dû ; émis →
partiellement remboursé → remboursé) et annulation motivée. L'émission est `services.emettre_reversement`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from aap.core import audit
from aap.core.models import Role, User
from aap.core.permissions import exiger_role
from aap.versements.models import OrdreReversement, Remboursement, StatutReversement
from aap.versements.services import VersementImpossible, solder_si_termine


ROLES_REMBOURSEMENT = frozenset({Role.FINANCES})
ROLES_ANNULATION = frozenset({Role.GESTIONNAIRE, Role.INSTRUCTEUR})
OUVERTS = (StatutReversement.EMIS, StatutReversement.PARTIEL)


def rembourse(ordre: OrdreReversement) -> Decimal:
    total = ordre.remboursements.aggregate(total=models.Sum("montant"))["total"]
    return Decimal(total or 0).quantize(Decimal("0.01"))


def reste_du(ordre: OrdreReversement) -> Decimal:
    if ordre.statut == StatutReversement.ANNULE:
        return Decimal("0.00")
    return ordre.montant - rembourse(ordre)


def enregistrer_remboursement(
    ordre: OrdreReversement,
    acteur: User,
    *,
    montant: Decimal,
    recu_le: datetime.date,
    at: datetime.datetime | None = None,
) -> Remboursement:
    """Un encaissement reçu ; jamais plus que le reste dû. Soldé, l'ordre passe « remboursé » (et la convention
    est soldée si plus rien n'est dû)."""
    exiger_role(acteur, ROLES_REMBOURSEMENT, "Seul un agent des finances enregistre un remboursement.")
    at = at or timezone.now()
    with transaction.atomic():
        ordre = OrdreReversement.objects.select_for_update().select_related("convention").get(pk=ordre.pk)
        if ordre.statut not in OUVERTS:
            raise VersementImpossible(f"Cet ordre est « {ordre.get_statut_display()} » : plus rien à encaisser.")
        du = reste_du(ordre)
        if montant <= 0 or montant != montant.quantize(Decimal("0.01")):
            raise VersementImpossible("Le montant reçu est positif et exprimé au centime.")
        if montant > du:
            raise VersementImpossible(f"Le montant reçu ({montant} €) dépasse le reste dû ({du} €).")
        if recu_le < timezone.localdate(ordre.emis_le):
            raise VersementImpossible("Un remboursement ne peut pas précéder l'émission de l'ordre.")
        remboursement = Remboursement.objects.create(
            ordre=ordre, montant=montant, recu_le=recu_le, enregistre_par=acteur, enregistre_le=at
        )
        de = ordre.statut
        ordre.statut = StatutReversement.REMBOURSE if montant == du else StatutReversement.PARTIEL
        ordre.save(update_fields=["statut"])
        audit.log(
            acteur, "reversement.rembourser", ordre, at=at, montant=montant, recu_le=recu_le, de=de, vers=ordre.statut
        )
        if ordre.statut == StatutReversement.REMBOURSE:
            solder_si_termine(ordre.convention, acteur, at=at)
    return remboursement


def annuler_reversement(
    ordre: OrdreReversement, acteur: User, motif: str, *, at: datetime.datetime | None = None
) -> OrdreReversement:
    """Annule un ordre émis (pas encore remboursé, même en partie) ; le motif est obligatoire."""
    exiger_role(acteur, ROLES_ANNULATION, "Seul un agent de la DPID (gestionnaire, instructeur) annule un ordre.")
    if not motif.strip():
        raise VersementImpossible("Indiquez le motif de l'annulation.")
    at = at or timezone.now()
    with transaction.atomic():
        ordre = OrdreReversement.objects.select_for_update().select_related("convention").get(pk=ordre.pk)
        if ordre.statut != StatutReversement.EMIS:
            raise VersementImpossible("Seul un ordre émis, sans aucun remboursement reçu, peut être annulé.")
        ordre.statut = StatutReversement.ANNULE
        ordre.save(update_fields=["statut"])
        audit.log(acteur, "reversement.annuler", ordre, at=at, motif=motif.strip())
        solder_si_termine(ordre.convention, acteur, at=at)
    return ordre
