"""Entrées du menu principal : Charte qualité.

Agents DPID et SLAI : la liste des résultats. Porteurs et référents : « Mes chartes qualité » seulement quand une
de leurs structures a un résultat communiqué (une requête `EXISTS` indexée par structure)."""

from __future__ import annotations

from django.urls import reverse

from aap.core.models import DPID_ROLES, Role, User


def items(user: User) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    if user.role in DPID_ROLES or user.role == Role.SLAI:
        return [("Charte qualité", reverse("qualite:liste"))]
    if user.role in (Role.PORTEUR, Role.REFERENT):
        from aap.qualite.models import ResultatCharte

        if ResultatCharte.objects.for_user(user).exists():
            return [("Charte qualité", reverse("qualite:mes_chartes"))]
    return []
