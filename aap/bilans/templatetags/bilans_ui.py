"""Balises des bilans : badge de statut, bloc « bilans et contrôles » d'une opération (page de la convention)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from aap.bilans.models import Bilan, StatutBilan
from aap.bilans.selectors import controles_de, est_en_retard, etat_documents
from aap.bilans.services import ROLES_DECISION, peut_saisir
from aap.bilans.services_controles import peut_constater_absence
from aap.conventions.models import Convention, Operation
from aap.core.models import User
from aap.core.templatetags.aap_ui import badge


register = template.Library()

TONS = {
    StatutBilan.A_PRODUIRE: "neutre",
    StatutBilan.DEPOSE: "info",
    StatutBilan.A_MODIFIER: "alerte",
    StatutBilan.ACCEPTE: "succes",
}


@register.simple_tag
def statut_bilan(bilan: Bilan, en_retard: bool = False) -> str:
    """Badge du statut ; « en retard » est écrit en toutes lettres (pas seulement une couleur)."""
    texte = badge(bilan.get_statut_display(), TONS.get(bilan.statut, "neutre"))
    if en_retard:
        texte += " " + badge("En retard", "erreur")
    return texte


@register.simple_tag
def bilans_operation(operation: Operation, user: User) -> dict[str, Any]:
    """Ce que le bloc « bilans » d'une opération montre à `user` (dans le périmètre de la convention)."""
    if not Convention.objects.for_user(user).filter(pk=operation.convention_id).exists():
        return {"visible": False}
    jour = timezone.localdate()
    bilans = list(operation.bilans.select_related("operation__convention"))
    structure = operation.convention.structure
    documents = etat_documents(structure, jour)
    return {
        "visible": True,
        "bilans": [
            {
                "bilan": b,
                "en_retard": est_en_retard(b, jour) and operation.convention.statut == "signee",
                "saisir": peut_saisir(b, user),
                "examiner": user.est_agent,
                "decider": user.role in ROLES_DECISION and b.statut == StatutBilan.DEPOSE,
            }
            for b in bilans
        ],
        "controles": list(controles_de(operation)),
        "documents": documents,
        "agent": user.est_agent,
        "peut_constater": user.est_dpid and peut_constater_absence(operation, jour),
    }
