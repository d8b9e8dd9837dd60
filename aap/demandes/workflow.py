"""Le cycle de vie d'une demande, de son brouillon à la décision de la Commission permanente.

    brouillon → déposée → validée (reçue, en instruction) ; déposée → brouillon tant qu'elle n'est pas validée ;
    validée → compléments demandés → validée (redéposée ; chaque tour est conservé) ;
    validée / ajournée → accordée, rejetée ou ajournée par la Commission permanente ;
    toute demande transmise et non décidée → retirée par la structure.

Les services appliquent les transitions dans leur transaction (`WORKFLOW.apply`), qui journalise chacune.
"""

from __future__ import annotations

from aap.core.workflow import Transition, Workflow
from aap.demandes.choix import StatutDemande


_EN_INSTRUCTION = (StatutDemande.VALIDEE, StatutDemande.AJOURNEE)

WORKFLOW = Workflow(
    "demande",
    "statut",
    [
        Transition("deposer", (StatutDemande.BROUILLON,), StatutDemande.DEPOSEE, "Déposer la demande"),
        Transition(
            "repasser_en_brouillon", (StatutDemande.DEPOSEE,), StatutDemande.BROUILLON, "Repasser en brouillon"
        ),
        Transition("valider", (StatutDemande.DEPOSEE,), StatutDemande.VALIDEE, "Valider la demande"),
        Transition(
            "demander_complements", (StatutDemande.VALIDEE,), StatutDemande.COMPLEMENTS, "Demander des compléments"
        ),
        Transition("redeposer", (StatutDemande.COMPLEMENTS,), StatutDemande.VALIDEE, "Redéposer avec les compléments"),
        Transition(
            "retirer",
            (StatutDemande.DEPOSEE, StatutDemande.VALIDEE, StatutDemande.COMPLEMENTS, StatutDemande.AJOURNEE),
            StatutDemande.RETIREE,
            "Retirer la demande",
        ),
        Transition("accorder", _EN_INSTRUCTION, StatutDemande.ACCORDEE, "Accorder (décision de la CP)"),
        Transition("rejeter", _EN_INSTRUCTION, StatutDemande.REJETEE, "Rejeter (décision de la CP)"),
        Transition("ajourner", (StatutDemande.VALIDEE,), StatutDemande.AJOURNEE, "Ajourner (décision de la CP)"),
    ],
)
