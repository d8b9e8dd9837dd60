"""Cycle de vie d'une convention : générée → envoyée → signée par la structure → signée par le Département
(en vigueur : l'avance devient exigible) → soldée ; résiliable tant qu'elle n'est pas soldée."""

from __future__ import annotations

from aap.conventions.models import StatutConvention as S
from aap.core.workflow import Transition, Workflow


WORKFLOW = Workflow(
    "convention",
    "statut",
    [
        Transition("envoyer", (S.GENEREE,), S.ENVOYEE, "Envoyer à la structure pour signature"),
        Transition("signer_structure", (S.ENVOYEE,), S.SIGNEE_STRUCTURE, "Déposer la convention signée"),
        Transition("signer_departement", (S.SIGNEE_STRUCTURE,), S.SIGNEE, "Signer pour le Département"),
        Transition("solder", (S.SIGNEE,), S.SOLDEE, "Solder la convention"),
        Transition(
            "resilier", (S.GENEREE, S.ENVOYEE, S.SIGNEE_STRUCTURE, S.SIGNEE), S.RESILIEE, "Résilier la convention"
        ),
    ],
)
