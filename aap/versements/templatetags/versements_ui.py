"""Balises des pages de versements : échéancier d'une opération (partiel de la fiche convention), badges de statut
(libellé toujours écrit : jamais la couleur seule), taux d'atteinte en pourcentage."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone

from aap.conventions.models import Operation
from aap.core.models import User
from aap.core.templatetags.aap_ui import badge, nombre
from aap.versements import selectors
from aap.versements.models import StatutEcheance, StatutReversement, StatutVersement


register = template.Library()

TONS = {
    StatutEcheance.A_VENIR: "neutre",
    StatutEcheance.EXIGIBLE: "alerte",
    StatutEcheance.LIQUIDEE: "succes",
    StatutEcheance.SANS_OBJET: "neutre",
    StatutVersement.PROPOSE: "alerte",
    StatutVersement.VALIDE: "info",
    StatutVersement.EXPORTE: "info",
    StatutVersement.PAYE: "succes",
    StatutVersement.ANNULE: "neutre",
    StatutReversement.EMIS: "erreur",
    StatutReversement.PARTIEL: "alerte",
    StatutReversement.REMBOURSE: "succes",
}


@register.simple_tag
def versements_operation(operation: Operation, user: User) -> selectors.EcheancierOperation | None:
    """`{% versements_operation operation user as v %}` : échéancier, versements, reversements, blocages."""
    return selectors.echeancier_operation(operation, user, timezone.localdate())


@register.simple_tag
def statut_badge(objet: object) -> str:
    """Badge du statut d'une échéance, d'un versement ou d'un ordre de reversement."""
    return badge(objet.get_statut_display(), TONS.get(objet.statut, "neutre"))


@register.filter
def taux(valeur: object) -> str:
    """Une proportion (0,8125) en pourcentage : « 81,25 % »."""
    try:
        nombre_decimal = Decimal(str(valeur)) * 100
    except (InvalidOperation, ValueError):
        return "—"
    return f"{nombre(nombre_decimal.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}\u00a0%"


@register.filter
def base_part(base: str) -> str:
    return {"volume": "Volume", "resultats": "Résultats", "qualite": "Qualité"}.get(base, base)
