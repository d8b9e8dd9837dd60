"""Entrées du menu principal : Personnes accompagnées, alertes, entrées et sorties."""

from __future__ import annotations

from django.urls import reverse

from aap.core.models import Role, User


def items(user: User) -> list[tuple[str, str]]:
    """Référent : ses personnes, ses alertes, les entrées et sorties ; SLAI et DPID : les parcours et les
    alertes ; les autres comptes (porteur, finances) : rien."""
    if not user.is_authenticated:
        return []
    if user.role == Role.REFERENT:
        return [
            ("Personnes accompagnées", reverse("parcours:liste")),
            ("Alertes", reverse("parcours:alertes")),
            ("Entrées et sorties", reverse("parcours:entrees_sorties")),
        ]
    if user.role == Role.SLAI or user.est_dpid:
        return [("Parcours", reverse("parcours:liste")), ("Alertes", reverse("parcours:alertes"))]
    return []
