"""Jetons d'API : création et révocation, journalisées dans la même transaction."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from aap.core import audit
from aap.core.models import User


def obtenir_jeton(user: User) -> Token:
    """Le jeton du compte, créé (et journalisé) s'il n'existe pas encore."""
    with transaction.atomic():
        token, cree = Token.objects.get_or_create(user=user)
        if cree:
            audit.log(user, "api.jeton.creer", user)
    return token


def revoquer_jeton(user: User) -> bool:
    """Supprime le jeton du compte ; True s'il y en avait un."""
    with transaction.atomic():
        supprimes, _ = Token.objects.filter(user=user).delete()
        if supprimes:
            audit.log(user, "api.jeton.revoquer", user)
    return bool(supprimes)
