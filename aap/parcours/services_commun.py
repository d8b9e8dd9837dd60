"""Outils communs des services des parcours : rôles, portée, journal.

Qui fait quoi : le Département décide (agent SLAI de son territoire, agents DPID partout) ; le référent de la
structure enregistre le suivi (rendez-vous, diagnostics, contrats, heures, demandes, sorties). La portée passe
toujours par `Model.objects.for_user(acteur)` : un objet hors portée est refusé (PermissionDenied).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from aap.core import audit
from aap.core.models import DPID_ROLES, AuditLog, Role, User
from aap.parcours import models as m


#: Rôles qui décident (orientation, suspension, réorientation, DSP, revue SLAI).
ROLES_DECISION = frozenset({Role.SLAI, *DPID_ROLES})
#: Rôles qui enregistrent le suivi d'un parcours.
ROLES_SUIVI = frozenset({Role.REFERENT})
#: Rôles qui enregistrent une sortie ou clôturent un contrat (le référent, ou le Département : radiation…).
ROLES_SUIVI_OU_DECISION = ROLES_SUIVI | ROLES_DECISION


def exiger(acteur: User, roles: frozenset[str], message: str) -> None:
    if not acteur.is_authenticated or acteur.role not in roles:
        raise PermissionDenied(message)


def exiger_portee(acteur: User, objet: models.Model, message: str | None = None) -> None:
    """L'objet doit figurer dans `for_user(acteur)` de son modèle ; sinon PermissionDenied."""
    if not type(objet).objects.for_user(acteur).filter(pk=objet.pk).exists():
        raise PermissionDenied(message or "Ce dossier n'est pas dans votre périmètre.")


def exiger_orientation(acteur: User, orientation: m.Orientation, roles: frozenset[str], message: str) -> None:
    exiger(acteur, roles, message)
    exiger_portee(acteur, orientation)


def exiger_en_cours(orientation: m.Orientation, le: datetime.date | None = None) -> None:
    """L'orientation n'est pas sortie ; avec `le`, pas sortie AVANT ce jour (un événement du jour même de la
    sortie, le dernier rendez-vous par exemple, reste possible)."""
    sortie = m.Sortie.objects.filter(orientation=orientation).first()
    if sortie is not None and (le is None or sortie.date_sortie < le):
        raise ValidationError(
            f"La personne est sortie de ce parcours le {sortie.date_sortie:%d/%m/%Y} : "
            "aucun nouvel événement ne peut y être enregistré."
        )


def aujourdhui() -> datetime.date:
    return timezone.localdate()


def journal(
    acteur: User | None, verbe: str, cible: models.Model, structure_id: int | None = None, **details: Any
) -> AuditLog:
    """Ligne de journal « parcours.<verbe> » ; la structure concernée est renseignée même quand la cible (un
    événement) ne la porte pas directement. Jamais de nom ni de date de naissance dans les détails."""
    if structure_id is not None and getattr(cible, "structure_id", None) is None:
        cible.structure_id = structure_id  # lu par audit.log ; simple attribut, pas un champ du modèle
    return audit.log(acteur, f"parcours.{verbe}", cible, **details)
