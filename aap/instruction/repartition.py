"""Répartition simulée d'une enveloppe appliquée aux propositions : candidats (lus en base) et application.

Les calculs eux-mêmes sont des fonctions pures (`aap.instruction.simulation`) ; ce module lit les candidats
d'une enveloppe et applique la répartition choisie par les services de `aap.instruction.propositions`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from aap.core import audit
from aap.core.models import User
from aap.demandes.choix import STATUTS_EN_INSTRUCTION
from aap.demandes.models import Demande
from aap.instruction.enveloppes import ZERO, engagement, territoire_departement
from aap.instruction.models import Enveloppe, OrigineProposition, Proposition
from aap.instruction.propositions import (
    ROLES_ENVELOPPES,
    exiger_role,
    montant_par_defaut,
    proposer,
    retirer_proposition,
)
from aap.instruction.simulation import Candidat, Repartition


def scores(demande_ids: list[int]) -> dict[int, Decimal]:
    """Note de chaque demande notée (0 à 100), par la grille de notation ; vide tant qu'elle n'existe pas."""
    try:
        from aap.instruction.notation import scores_par_demande
    except ImportError:  # pragma: no cover - la notation arrive dans un autre lot
        return {}
    return {pk: Decimal(str(score)) for pk, score in scores_par_demande(demande_ids).items() if score is not None}


@dataclass
class Candidature:
    """Ce que la simulation d'une enveloppe répartit : les candidats et le montant disponible pour eux."""

    enveloppe: Enveloppe
    candidats: list[Candidat]
    disponible: Decimal
    vote: Decimal
    fige: Decimal
    demandes: dict[int, Demande]


def candidature(enveloppe: Enveloppe) -> Candidature:
    """Les demandes en instruction qui tirent sur l'enveloppe, avec leur montant plafond (retenu, sinon demandé)
    et leur note. Une proposition déjà inscrite à une séance est figée : son montant est déduit du disponible,
    comme le voté."""
    dispositif = enveloppe.dispositif
    autres = {e.territoire_id for e in Enveloppe.objects.filter(dispositif=dispositif).exclude(pk=enveloppe.pk)}
    demandes = {}
    fige = ZERO
    requete = (
        Demande.objects.filter(dispositif=dispositif, statut__in=STATUTS_EN_INSTRUCTION)
        .select_related("structure", "proposition", "dispositif")
        .prefetch_related("territoires", "proposition__inscriptions")
        .order_by("reference")
    )
    for demande in requete:
        proposition = getattr(demande, "proposition", None)
        if proposition is not None and proposition.hors_budget:
            continue
        territoire_id = proposition.territoire_id if proposition else _territoire_id(demande)
        tire = territoire_id == enveloppe.territoire_id or (
            enveloppe.territoire_id is None and territoire_id not in autres
        )
        if not tire:
            continue
        if proposition is not None and proposition.inscriptions.all():
            fige += proposition.montant
            continue
        demandes[demande.pk] = demande
    notes = scores(list(demandes))
    candidats = [
        Candidat(d.pk, d.reference, d.structure.raison_sociale, montant_par_defaut(d), notes.get(d.pk))
        for d in demandes.values()
    ]
    vote = engagement(enveloppe=enveloppe).vote
    return Candidature(enveloppe, candidats, enveloppe.montant - vote - fige, vote, fige, demandes)


def _territoire_id(demande: Demande) -> int:
    territoires = list(demande.territoires.all())
    return territoires[0].pk if len(territoires) == 1 else territoire_departement().pk


def appliquer_repartition(
    enveloppe: Enveloppe, repartition: Repartition, agent: User, at: datetime.datetime | None = None
) -> int:
    """Applique une répartition simulée aux propositions (origine « simulation », toujours modifiables) : un
    montant positif crée ou met à jour la proposition, zéro retire celle qui existe. Tout ou rien : un dépassement
    de la ligne annule l'ensemble. Renvoie le nombre de propositions créées ou modifiées."""
    exiger_role(agent, ROLES_ENVELOPPES, "L'application d'une répartition")
    moment = at or timezone.now()
    with transaction.atomic():
        actuelles = dict(
            Proposition.objects.filter(
                demande_id__in=[a.candidat.demande_id for a in repartition.attributions]
            ).values_list("demande_id", "montant")
        )
        # Les baisses d'abord : à aucun moment l'enveloppe ne porte plus que l'état final.
        ordre = sorted(repartition.attributions, key=lambda a: a.montant - actuelles.get(a.candidat.demande_id, 0))
        nombre = 0
        for attribution in ordre:
            demande = Demande.objects.get(pk=attribution.candidat.demande_id)
            if attribution.montant > 0:
                motivation = f"{repartition.libelle} : {attribution.motif}."
                proposer(
                    demande,
                    agent,
                    {"montant": attribution.montant, "motivation": motivation},
                    moment,
                    origine=OrigineProposition.SIMULATION,
                )
                nombre += 1
            elif demande.pk in actuelles:
                retirer_proposition(demande, agent, moment)
                nombre += 1
        audit.log(
            agent,
            "instruction.appliquer_repartition",
            enveloppe,
            at=moment,
            strategie=repartition.libelle,
            total=repartition.total,
            financees=repartition.nb_financees,
        )
    return nombre
