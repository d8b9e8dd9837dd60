"""Suppression d'une enveloppe : service (une transaction, l'agent passé, un audit) et règle de refus.

Une enveloppe ne se supprime que si aucune proposition ne la référence. Les propositions en instruction et les
inscriptions approuvées par la Commission permanente tirent encore sur elle ; les propositions des demandes
décidées ou closes gardent leur enveloppe pour l'historique (elle n'est jamais remise à vide) : dans tous ces
cas la suppression est refusée, chiffres à l'appui.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from aap.commission.models import Decision, Inscription
from aap.core import audit
from aap.core.models import User
from aap.instruction.enveloppes import libelle_enveloppe, propositions_en_cours, verrouiller
from aap.instruction.models import Enveloppe, Proposition
from aap.instruction.propositions import ROLES_ENVELOPPES, PropositionImpossible, exiger_role


def _nombre(n: int, singulier: str, pluriel: str) -> str:
    return f"{n} {singulier if n == 1 else pluriel}"


def motif_refus_suppression(enveloppe: Enveloppe) -> str | None:
    """Pourquoi l'enveloppe ne peut pas être supprimée (combien de propositions la référencent), sinon None."""
    references = Proposition.objects.filter(enveloppe=enveloppe)
    total = references.count()
    if total == 0:
        return None
    en_instruction = propositions_en_cours().filter(enveloppe=enveloppe).count()
    approuvees = Inscription.objects.filter(proposition__enveloppe=enveloppe, decision=Decision.APPROUVEE)
    nb_inscriptions = approuvees.count()
    votees = references.filter(inscriptions__decision=Decision.APPROUVEE).distinct().count()
    autres = total - en_instruction - votees
    raisons = []
    if en_instruction:
        raisons.append(
            _nombre(en_instruction, "proposition en instruction y tire", "propositions en instruction y tirent")
        )
    if nb_inscriptions:
        raisons.append(
            _nombre(
                nb_inscriptions,
                "inscription approuvée par la Commission permanente y est imputée",
                "inscriptions approuvées par la Commission permanente y sont imputées",
            )
        )
    if autres:
        raisons.append(
            _nombre(
                autres,
                "autre proposition (demande décidée ou close) la référence et garde son historique",
                "autres propositions (demandes décidées ou closes) la référencent et gardent leur historique",
            )
        )
    return (
        f"{libelle_enveloppe(enveloppe)} ne peut pas être supprimée : "
        f"{_nombre(total, 'proposition la référence', 'propositions la référencent')} ({', '.join(raisons)}). "
        "Une enveloppe qui a servi reste au tableau de bord ; modifiez son montant plutôt que de la supprimer."
    )


def supprimer_enveloppe(enveloppe: Enveloppe, agent: User, at: datetime.datetime | None = None) -> None:
    """Supprime l'enveloppe si aucune proposition ne la référence ; sinon `PropositionImpossible`, avec le
    nombre de propositions en instruction, d'inscriptions approuvées et d'autres propositions en cause.

    Les demandes reçues du dispositif tireront ensuite sur l'enveloppe « tous territoires » ou sur la ligne."""
    exiger_role(agent, ROLES_ENVELOPPES, "La gestion des enveloppes")
    moment = at or timezone.now()
    with transaction.atomic():
        try:
            enveloppe = Enveloppe.objects.select_related("dispositif", "territoire", "ligne").get(pk=enveloppe.pk)
        except Enveloppe.DoesNotExist:
            raise PropositionImpossible("Cette enveloppe a déjà été supprimée.") from None
        # Même ordre de verrous que les propositions (ligne puis enveloppe) : une proposition enregistrée en même
        # temps est soit vue ici, soit bloquée jusqu'à la fin de la suppression.
        verrouiller(enveloppe, enveloppe.ligne)
        motif = motif_refus_suppression(enveloppe)
        if motif is not None:
            raise PropositionImpossible(motif)
        audit.log(
            agent,
            "instruction.supprimer_enveloppe",
            enveloppe,
            at=moment,
            dispositif=enveloppe.dispositif.code,
            territoire=enveloppe.territoire.nom if enveloppe.territoire_id else None,
            ligne=enveloppe.ligne.code_operation,
            montant=enveloppe.montant,
        )
        enveloppe.delete()
