"""Ce que la fiche de la demande montre du budget retenu : synthèse pour les agents, dépenses écartées ou
réduites et leur motif pour la structure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aap.core.models import DPID_ROLES, User
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande, LigneDepense, LigneRessource
from aap.instruction.budget import budget_retenu, retenue_de


@dataclass(frozen=True)
class LigneAjustee:
    """Une ligne écartée ou réduite telle que la fiche de la demande la montre (sans l'agent)."""

    annee: int
    libelle: str
    montant_demande: Decimal
    montant_retenu: Decimal
    motif: str

    @property
    def ecartee(self) -> bool:
        return self.montant_retenu == 0


def lignes_ajustees(lignes: list[LigneDepense | LigneRessource]) -> list[LigneAjustee]:
    resultat = []
    for ligne in lignes:
        retenue = retenue_de(ligne)
        if retenue is not None:
            libelle = (
                f"{ligne.get_categorie_display()} — {ligne.libelle}"
                if isinstance(ligne, LigneDepense)
                else " — ".join(filter(None, [ligne.get_financeur_display(), ligne.libelle]))
            )
            resultat.append(LigneAjustee(ligne.annee, libelle, ligne.montant, retenue.montant_retenu, retenue.motif))
    return resultat


def contexte_budget_retenu(demande: Demande, user: User) -> dict[str, Any]:
    """Pour un agent : la synthèse du budget retenu (et le lien vers la page pour la DPID). Pour la structure :
    ses dépenses écartées ou réduites et leur motif, rien d'autre de l'instruction."""
    if demande.dispositif.fiche is None or demande.statut in (StatutDemande.BROUILLON, StatutDemande.DEPOSEE):
        return {}
    if user.est_agent:
        budget = budget_retenu(demande)
        return {
            "budget_retenu": budget,
            "budget_retenu_ajustees": lignes_ajustees(budget.ajustements),
            "budget_retenu_lien": user.role in DPID_ROLES,
        }
    depenses = LigneDepense.objects.filter(demande=demande, retenue__isnull=False).select_related("retenue")
    return {"depenses_ajustees": lignes_ajustees(list(depenses))}
