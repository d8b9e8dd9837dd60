"""Services des parcours : chaque changement d'état est une fonction à arguments nommés, `acteur` en premier,
une transaction, une ligne de journal « parcours.<verbe> ». Une règle violée lève `ValidationError` (message en
français) ; un rôle qui ne peut pas agir, ou un objet hors de sa portée, lève `PermissionDenied`.

Modules : `services_orientations` (personnes, orientations, sorties), `services_decisions` (décisions du
Département sur les demandes), `services_suivi` (rendez-vous, diagnostics, heures, demandes de suspension),
`services_contrats` (contrats d'engagement), tous réexportés ici : les vues importent `aap.parcours.services`.
"""

from __future__ import annotations

from aap.parcours.services_contrats import clore_contrat, enregistrer_revue_slai, signer_contrat
from aap.parcours.services_decisions import (
    decider_dsp,
    decider_reorientation,
    decider_suspension,
    demander_reorientation,
    enregistrer_dsp,
)
from aap.parcours.services_orientations import (
    STATUTS_RATTACHEMENT,
    creer_personne,
    enregistrer_justificatif,
    operation_couvrant,
    orienter,
    sortir,
)
from aap.parcours.services_suivi import (
    demander_suspension,
    enregistrer_diagnostic,
    noter_presence,
    planifier_rendez_vous,
    saisir_heures,
)


__all__ = [
    "STATUTS_RATTACHEMENT",
    "clore_contrat",
    "creer_personne",
    "decider_dsp",
    "decider_reorientation",
    "decider_suspension",
    "demander_reorientation",
    "demander_suspension",
    "enregistrer_diagnostic",
    "enregistrer_dsp",
    "enregistrer_justificatif",
    "enregistrer_revue_slai",
    "noter_presence",
    "operation_couvrant",
    "orienter",
    "planifier_rendez_vous",
    "saisir_heures",
    "signer_contrat",
    "sortir",
]
