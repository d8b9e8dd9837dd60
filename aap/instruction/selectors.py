"""Ce que la fiche d'une demande montre de l'instruction à un agent."""

from __future__ import annotations

from typing import Any

from aap.commission.selectors import contexte_decision
from aap.core.models import Role, User
from aap.demandes.choix import StatutDemande
from aap.demandes.financement import ResultatPlan
from aap.demandes.models import Demande
from aap.instruction.budget_fiche import contexte_budget_retenu
from aap.instruction.circuit import circuit_contexte
from aap.instruction.eligibilite import controler_eligibilite
from aap.instruction.forms import AffectationForm, AvisSlaiForm
from aap.instruction.models import Affectation
from aap.instruction.notation import notation_contexte
from aap.instruction.views_propositions import contexte_proposition


def contexte_instruction(demande: Demande, user: User, plan: ResultatPlan | None = None) -> dict[str, Any]:
    """Ce que la fiche de la demande montre de l'instruction à `user` : pour un agent, le contexte des agents
    (`contexte_agent`) ; pour tous, ce que chaque sujet de l'instruction montre (compléments demandés,
    dépenses écartées et leur motif…), chaque sujet décidant lui-même selon le rôle."""
    contexte: dict[str, Any] = contexte_agent(demande, user, plan) if user.est_agent else {}
    # Un sujet par module : chacun ajoute ses clés (voir instruction/_*.html inclus dans demandes/detail.html).
    contexte.update(circuit_contexte(demande, user))
    contexte.update(contexte_budget_retenu(demande, user))
    contexte.update(notation_contexte(demande, user))
    contexte.update(contexte_proposition(demande, user))
    contexte.update(contexte_decision(demande, user))
    return contexte


def contexte_agent(demande: Demande, agent: User, plan: ResultatPlan | None = None) -> dict[str, Any]:
    """Affectation (et son formulaire pour la DPID), éligibilité, avis des SLAI et, pour le SLAI d'un territoire
    concerné, le formulaire de son avis."""
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
    affectation = Affectation.objects.filter(demande=demande).select_related("instructeur", "affectee_par").first()
    return {
        "affectation": affectation,
        "form_affectation": (
            AffectationForm(initial={"instructeur": affectation.instructeur_id} if affectation else None)
            if agent.est_dpid and demande.statut != StatutDemande.BROUILLON
            else None
        ),
        "eligibilite": controler_eligibilite(demande, plan=plan),
        "avis_slai": avis,
        "avis_attendus": attendus,
        "form_avis": formulaire,
    }
