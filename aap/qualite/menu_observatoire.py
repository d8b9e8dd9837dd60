"""Entrées du menu principal : Observatoire (agents DPID et SLAI, référents ; porteurs dont une structure suit
des parcours)."""

from __future__ import annotations

from django.urls import reverse

from aap.core.models import Role, User
from aap.parcours.models import Orientation, structures_du_referent


def items(user: User) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    if user.est_dpid or user.role in (Role.SLAI, Role.REFERENT):
        return [("Observatoire", reverse("observatoire:index"))]
    if (
        user.role == Role.PORTEUR
        and Orientation.objects.filter(structure_id__in=structures_du_referent(user)).exists()
    ):
        return [("Observatoire", reverse("observatoire:index"))]
    return []
