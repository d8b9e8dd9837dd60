"""Contrôle de service fait (article 7 de la convention type, fiche F08) et reversements de l'article 10 :
pièces non fondées ou partiellement justifiées après contrôle, bilan final non produit dans les délais.

Les reversements passent par `aap.versements.services.emettre_reversement`, borné à ce qui a été versé pour
l'opération et n'est pas déjà réclamé."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aap.bilans.models import Bilan, ControleServiceFait, ResultatControle
from aap.bilans.rules import type_bilan_final
from aap.bilans.workflow import STATUTS_A_SAISIR
from aap.conventions.models import Operation, StatutConvention
from aap.core import audit
from aap.core.models import User
from aap.core.permissions import exiger_dpid
from aap.versements.models import OrdreReversement, OrigineReversement
from aap.versements.services import deja_reclame, deja_verse, emettre_reversement


#: Conventions sur lesquelles un contrôle ou un constat peut porter (en vigueur ou soldées).
STATUTS_CONTROLABLES = (StatutConvention.SIGNEE, StatutConvention.SOLDEE)
RESULTATS_VERIFICATION = ("conforme", "non_conforme")


class ControleImpossible(Exception):
    """Le contrôle ou le constat n'est pas possible ; le message dit pourquoi."""


def verifications_proposees(operation: Operation) -> list[str]:
    return list(operation.convention.edition.conventionnement.get("verifications_service_fait", []))


def reclamable(operation: Operation) -> Decimal:
    """Ce qui a été versé pour l'opération et n'est pas déjà réclamé par un ordre de reversement."""
    return max(deja_verse(operation) - deja_reclame(operation), Decimal("0.00"))


def _erreurs(
    operation: Operation, verifications: list[dict[str, Any]], resultat: str, montant: Decimal
) -> dict[str, list[str]]:
    erreurs: dict[str, list[str]] = {}
    proposees = verifications_proposees(operation)
    libelles = [v.get("libelle") for v in verifications]
    if sorted(libelles) != sorted(proposees):
        erreurs["verifications"] = ["Chaque vérification proposée doit être renseignée, une seule fois."]
    elif any(v.get("resultat") not in RESULTATS_VERIFICATION for v in verifications):
        erreurs["verifications"] = ["Dites pour chaque vérification si elle est conforme ou non."]
    elif resultat == ResultatControle.CONFORME and any(v["resultat"] == "non_conforme" for v in verifications):
        erreurs["resultat"] = ["Un contrôle conforme ne peut pas comporter de vérification non conforme."]
    if resultat not in ResultatControle.values:
        erreurs.setdefault("resultat", []).append("Choisissez le résultat du contrôle.")
    if montant < 0:
        erreurs["montant_non_justifie"] = ["Le montant non justifié ne peut pas être négatif."]
    elif resultat == ResultatControle.PARTIEL and montant <= 0:
        erreurs["montant_non_justifie"] = ["Indiquez le montant non justifié : il sera réclamé à la structure."]
    elif resultat == ResultatControle.CONFORME and montant > 0:
        erreurs["montant_non_justifie"] = ["Un contrôle conforme n'a pas de montant non justifié."]
    elif montant > operation.montant:
        erreurs["montant_non_justifie"] = ["Le montant non justifié dépasse la subvention de l'opération."]
    return erreurs


def enregistrer_controle(
    operation: Operation,
    acteur: User,
    *,
    date_controle: datetime.date,
    sur_place: bool,
    verifications: list[dict[str, Any]],
    resultat: str,
    montant_non_justifie: Decimal = Decimal("0.00"),
    commentaire: str = "",
    at: datetime.datetime | None = None,
) -> ControleServiceFait:
    """Consigne un contrôle. Partiel : reversement du montant non justifié, borné à ce qui est réclamable ;
    non fondé : reversement de tout ce qui a été versé et n'est pas encore réclamé (article 10)."""
    exiger_dpid(acteur, "Le contrôle de service fait est consigné par un agent de la DPID.")
    if operation.convention.statut not in STATUTS_CONTROLABLES:
        raise ControleImpossible("Le contrôle de service fait porte sur une convention signée.")
    montant = Decimal(montant_non_justifie or 0).quantize(Decimal("0.01"))
    erreurs = _erreurs(operation, verifications, resultat, montant)
    if date_controle > timezone.localdate():
        erreurs["date_controle"] = ["Le contrôle ne peut pas être daté dans le futur."]
    if erreurs:
        raise ValidationError(erreurs)
    at = at or timezone.now()
    with transaction.atomic():
        Operation.objects.select_for_update().get(pk=operation.pk)
        disponible = reclamable(operation)
        a_reclamer = {
            ResultatControle.PARTIEL: min(montant, disponible),
            ResultatControle.NON_FONDE: disponible,
        }.get(resultat, Decimal("0.00"))
        controle = ControleServiceFait.objects.create(
            operation=operation,
            date_controle=date_controle,
            sur_place=sur_place,
            verifications=[
                {
                    "libelle": v["libelle"],
                    "resultat": v["resultat"],
                    "commentaire": (v.get("commentaire") or "").strip(),
                }
                for v in verifications
            ],
            resultat=resultat,
            montant_non_justifie=montant,
            commentaire=commentaire.strip(),
            agent=acteur,
            enregistre_le=at,
        )
        if a_reclamer > 0:
            controle.reversement = emettre_reversement(
                operation,
                acteur,
                origine=OrigineReversement.CONTROLE,
                montant=a_reclamer,
                motif=f"Contrôle de service fait du {date_controle:%d/%m/%Y} : "
                f"{controle.get_resultat_display().lower()}.",
                calcul={
                    "resultat": resultat,
                    "montant_non_justifie": str(montant),
                    "reclamable": str(disponible),
                    "reclame": str(a_reclamer),
                },
                at=at,
            )
            controle.save(update_fields=["reversement"])
        audit.log(
            acteur,
            "controle.enregistrer",
            controle,
            at=at,
            convention=operation.convention.numero,
            resultat=resultat,
            reclame=a_reclamer,
        )
    return controle


def bilan_final(operation: Operation) -> Bilan | None:
    type_ = type_bilan_final(operation.regles)
    return operation.bilans.filter(type=type_).first() if type_ else None


def peut_constater_absence(operation: Operation, jour: datetime.date) -> bool:
    bilan = bilan_final(operation)
    return bilan is not None and bilan.statut in STATUTS_A_SAISIR and jour > bilan.echeance


def constater_bilan_final_absent(
    operation: Operation, acteur: User, at: datetime.datetime | None = None
) -> OrdreReversement:
    """Bilan final non produit passé sa date limite : reversement de tout ce qui a été versé et n'est pas encore
    réclamé (article 10). Le jour de la date limite, le bilan est encore dans les délais."""
    exiger_dpid(acteur, "Le constat est fait par un agent de la DPID.")
    at = at or timezone.now()
    jour = timezone.localdate(at)
    bilan = bilan_final(operation)
    if bilan is None:
        raise ControleImpossible("Cette opération n'a pas de bilan final.")
    if operation.convention.statut not in STATUTS_CONTROLABLES:
        raise ControleImpossible("Le constat porte sur une convention signée.")
    if bilan.statut not in STATUTS_A_SAISIR:
        raise ControleImpossible(f"Le bilan final a été déposé (« {bilan.get_statut_display()} »).")
    if jour <= bilan.echeance:
        raise ControleImpossible(
            f"Le bilan final peut être déposé jusqu'au {bilan.echeance:%d/%m/%Y} inclus : il n'est pas encore absent."
        )
    with transaction.atomic():
        Operation.objects.select_for_update().get(pk=operation.pk)
        montant = reclamable(operation)
        if montant <= 0:
            raise ControleImpossible("Aucune somme versée pour cette opération ne reste à réclamer.")
        ordre = emettre_reversement(
            operation,
            acteur,
            origine=OrigineReversement.BILAN_ABSENT,
            montant=montant,
            motif=f"{bilan.libelle} non produit au {bilan.echeance:%d/%m/%Y} (article 10 de la convention).",
            calcul={
                "echeance": bilan.echeance.isoformat(),
                "verse": str(deja_verse(operation)),
                "reclame": str(montant),
            },
            at=at,
        )
        audit.log(acteur, "bilan.absent", bilan, at=at, reversement=ordre.pk, montant=montant)
    return ordre
