"""Services de l'instruction : une transaction par action, l'agent qui agit passé en paramètre, un audit."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from aap.core import audit
from aap.core.models import Role, User
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.instruction.models import Avis, AvisSlai


class AvisImpossible(Exception):
    """L'avis ne peut pas être donné (demande pas encore reçue, commentaire absent…)."""


def donner_avis_slai(
    demande: Demande, agent: User, avis: Avis | str, commentaire: str, at: datetime.datetime | None = None
) -> AvisSlai:
    """Avis du SLAI de l'agent sur une demande reçue qui concerne son territoire (le dernier avis remplace le
    précédent, l'historique reste dans le journal)."""
    if agent.role != Role.SLAI or agent.territoire_id is None:
        raise PermissionDenied("Seul un agent SLAI donne l'avis de son territoire.")
    if not demande.territoires.filter(pk=agent.territoire_id).exists():
        raise PermissionDenied("Cette demande ne concerne pas votre territoire.")
    if demande.statut != StatutDemande.VALIDEE:
        raise AvisImpossible("L'avis se donne sur une demande validée par la structure.")
    avis = Avis(avis)
    commentaire = commentaire.strip()
    if not commentaire:
        raise AvisImpossible("Motivez l'avis dans le commentaire.")
    moment = at or timezone.now()
    with transaction.atomic():
        resultat, cree = AvisSlai.objects.update_or_create(
            demande=demande,
            territoire_id=agent.territoire_id,
            defaults={"auteur": agent, "avis": avis, "commentaire": commentaire, "donne_le": moment},
        )
        audit.log(
            agent,
            "instruction.avis_slai",
            demande,
            at=moment,
            territoire=agent.territoire.nom,
            avis=avis.label,
            modification=not cree,
        )
    return resultat
