"""Cycle d'un bilan : à produire → déposé par la structure → accepté par la DPID (l'échéance qu'il déclenche
devient exigible) ou renvoyé pour modifications (à modifier → redéposé)."""

from __future__ import annotations

from aap.bilans.models import StatutBilan as S
from aap.core.workflow import Transition, Workflow


WORKFLOW = Workflow(
    "bilan",
    "statut",
    [
        Transition("deposer", (S.A_PRODUIRE, S.A_MODIFIER), S.DEPOSE, "Déposer le bilan"),
        Transition("demander_modifications", (S.DEPOSE,), S.A_MODIFIER, "Demander des modifications"),
        Transition("accepter", (S.DEPOSE,), S.ACCEPTE, "Accepter le bilan"),
    ],
)

#: Statuts où la structure peut encore saisir son bilan (et où il peut être en retard).
STATUTS_A_SAISIR = (S.A_PRODUIRE, S.A_MODIFIER)
