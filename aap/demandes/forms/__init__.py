"""Formulaires des demandes : minces, ils valident la saisie ; les règles restent dans les services."""

from aap.demandes.forms.agents import FiltreDemandesForm
from aap.demandes.forms.budget import BudgetFormulaire
from aap.demandes.forms.dossier import AttestationForm, DossierForm, NouvelleDemandeForm


__all__ = ["AttestationForm", "BudgetFormulaire", "DossierForm", "FiltreDemandesForm", "NouvelleDemandeForm"]
