"""Ce que la fiche d'une demande montre de l'instruction à un agent."""

from __future__ import annotations

from typing import Any

from aap.core.models import Role, User
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.instruction.eligibilite import controler_eligibilite
from aap.instruction.forms import AvisSlaiForm


def contexte_instruction(demande: Demande, agent: User) -> dict[str, Any]:
    """Éligibilité, avis des SLAI et, pour le SLAI d'un territoire concerné, le formulaire de son avis."""
    if not agent.est_agent:
        return {}
    avis = list(demande.avis_slai.select_related("territoire", "auteur"))
    formulaire = None
    if (
        agent.role == Role.SLAI
        and demande.statut == StatutDemande.VALIDEE
        and demande.territoires.filter(pk=agent.territoire_id).exists()
    ):
        existant = next((a for a in avis if a.territoire_id == agent.territoire_id), None)
        formulaire = AvisSlaiForm(
            initial={"avis": existant.avis, "commentaire": existant.commentaire} if existant else None
        )
    attendus = [t.nom for t in demande.territoires.all() if t.pk not in {a.territoire_id for a in avis}]
    return {
        "eligibilite": controler_eligibilite(demande),
        "avis_slai": avis,
        "avis_attendus": attendus,
        "form_avis": formulaire,
    }
