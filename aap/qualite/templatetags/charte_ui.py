"""Balises de la charte qualité : badge de statut, badge de score, lignes du détail d'un résultat."""

from __future__ import annotations

from decimal import Decimal

from django import template

from aap.core.templatetags.aap_ui import badge, pourcent
from aap.qualite.models import ResultatCharte, StatutCharte
from aap.qualite.selectors import LigneDetail, lignes_detail


register = template.Library()

TONS = {StatutCharte.CALCULEE: "neutre", StatutCharte.CONTRADICTOIRE: "info", StatutCharte.DEFINITIVE: "succes"}
LIBELLES_COURTS = {
    StatutCharte.CALCULEE: "Calculée",
    StatutCharte.CONTRADICTOIRE: "Phase contradictoire",
    StatutCharte.DEFINITIVE: "Définitive",
}


@register.simple_tag
def statut_charte(resultat: ResultatCharte) -> str:
    return badge(
        LIBELLES_COURTS.get(resultat.statut, resultat.get_statut_display()), TONS.get(resultat.statut, "neutre")
    )


@register.simple_tag
def score_charte(score: Decimal | None) -> str:
    """Le score en toutes lettres dans un badge (la couleur double le texte : ≥ 80 % bon, < 50 % faible)."""
    if score is None:
        return badge("—")
    ton = "succes" if score >= 80 else "erreur" if score < 50 else "alerte"
    return badge(pourcent(score), ton)


@register.simple_tag
def lignes_charte(resultat: ResultatCharte) -> list[LigneDetail]:
    return lignes_detail(resultat)
