"""Droits d'accès de l'API : le rôle (403) ; le périmètre passe par les `for_user` (404)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from aap.core.models import Role


class EstAgent(BasePermission):
    """Réservé aux agents du Département (tous rôles d'agent)."""

    message = "Cette ressource est réservée aux agents du Département."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.est_agent)


class LectureOuEcriturePorteur(BasePermission):
    """Lecture pour tout compte connecté (périmètre `for_user`) ; écriture réservée aux porteurs."""

    message = "Seuls les porteurs de projet peuvent créer ou modifier une demande."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or user.role == Role.PORTEUR
