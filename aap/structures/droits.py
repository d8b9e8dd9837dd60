"""Qui peut faire quoi dans une structure (rôle du membre), sans toucher à la requête HTTP."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from aap.core.models import User
from aap.structures.models import ROLES_ECRITURE, Membre, RoleMembre, Structure


class ErreurStructure(Exception):
    """Règle métier non respectée ; le message, en français, s'affiche tel quel à l'utilisateur."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def adhesion(user: User, structure: Structure) -> Membre | None:
    """L'adhésion active de `user` à `structure`, ou None."""
    if not user.is_authenticated:
        return None
    return Membre.objects.actifs().filter(user=user, structure=structure).first()


def peut_ecrire(user: User, structure: Structure) -> bool:
    membre = adhesion(user, structure)
    return membre is not None and membre.role in ROLES_ECRITURE


def est_representant_legal(user: User, structure: Structure) -> bool:
    membre = adhesion(user, structure)
    return membre is not None and membre.role == RoleMembre.REPRESENTANT_LEGAL


def exiger_ecriture(user: User, structure: Structure) -> Membre:
    membre = adhesion(user, structure)
    if membre is None or membre.role not in ROLES_ECRITURE:
        raise PermissionDenied(
            "Votre rôle dans la structure est « lecture seule » : seuls le représentant légal et les gestionnaires "
            "peuvent modifier le profil et les pièces."
        )
    return membre


def exiger_representant_legal(user: User, structure: Structure) -> Membre:
    membre = adhesion(user, structure)
    if membre is None or membre.role != RoleMembre.REPRESENTANT_LEGAL:
        raise PermissionDenied("Seul le représentant légal de la structure gère ses membres.")
    return membre
