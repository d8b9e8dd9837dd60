"""Balises propres aux demandes : badge de statut (texte + couleur, jamais la couleur seule)."""

from __future__ import annotations

from django import template

from aap.core.templatetags.aap_ui import badge
from aap.demandes.choix import StatutDemande


register = template.Library()

TONS = {
    StatutDemande.BROUILLON: "neutre",
    StatutDemande.DEPOSEE: "alerte",
    StatutDemande.VALIDEE: "succes",
    StatutDemande.COMPLEMENTS: "alerte",
    StatutDemande.RETIREE: "neutre",
    StatutDemande.ACCORDEE: "succes",
    StatutDemande.REJETEE: "erreur",
    StatutDemande.AJOURNEE: "info",
}


@register.simple_tag
def statut_badge(demande: object) -> str:
    return badge(demande.get_statut_display(), TONS.get(demande.statut, "neutre"))


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
