"""Services de l'instruction : une transaction par action, l'agent qui agit passé en paramètre, un audit."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from aap.core import audit
from aap.core.models import DPID_ROLES, Role, User
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.instruction.models import Affectation, Avis, AvisSlai


class InstructionImpossible(Exception):
    """L'action d'instruction est impossible (demande pas encore reçue, commentaire absent, instructeur…)."""


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
        raise InstructionImpossible("L'avis se donne sur une demande validée par la structure.")
    avis = Avis(avis)
    commentaire = commentaire.strip()
    if not commentaire:
        raise InstructionImpossible("Motivez l'avis dans le commentaire.")
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


def affecter(demandes: QuerySet[Demande], instructeur: User, agent: User, at: datetime.datetime | None = None) -> int:
    """Affecte à `instructeur` les demandes reçues (non brouillons) de la sélection ; renvoie leur nombre.

    Réservé aux agents DPID. Une demande déjà affectée à cet instructeur n'est pas comptée ; une demande affectée
    à un autre instructeur lui est retirée (réaffectation tracée)."""
    if agent.role not in DPID_ROLES:
        raise PermissionDenied("L'affectation des demandes est réservée aux agents de la DPID.")
    if instructeur.role != Role.INSTRUCTEUR or not instructeur.is_active:
        raise InstructionImpossible("Choisissez un instructeur actif de la DPID.")
    moment = at or timezone.now()
    nombre = 0
    with transaction.atomic():
        selection = demandes.exclude(statut=StatutDemande.BROUILLON).exclude(affectation__instructeur=instructeur)
        for demande in selection.select_related("affectation__instructeur").select_for_update(of=("self",)):
            precedent = getattr(demande, "affectation", None)
            Affectation.objects.update_or_create(
                demande=demande, defaults={"instructeur": instructeur, "affectee_par": agent, "affectee_le": moment}
            )
            audit.log(
                agent,
                "instruction.affecter",
                demande,
                at=moment,
                instructeur=str(instructeur),
                precedent=str(precedent.instructeur) if precedent else None,
            )
            nombre += 1
    return nombre
