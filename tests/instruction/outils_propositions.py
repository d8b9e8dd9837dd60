"""Aides des tests des propositions et des enveloppes : un dispositif sur une ligne, des demandes reçues."""

from __future__ import annotations

from decimal import Decimal

from aap.catalogue.models import Dispositif, LigneBudgetaire
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from tests.demandes.factories import DispositifFactory, SessionAppelFactory
from tests.instruction.factories import LigneBudgetaireFactory


def dispositif_sur_ligne(ae: str = "1000000.00", deja_engage: str = "0.00") -> tuple[Dispositif, LigneBudgetaire]:
    dispositif = DispositifFactory()
    ligne = LigneBudgetaireFactory(edition=dispositif.edition, ae=Decimal(ae), deja_engage=Decimal(deja_engage))
    dispositif.ligne_budgetaire = ligne
    dispositif.save(update_fields=["ligne_budgetaire"])
    return dispositif, ligne


def demande_recue(dispositif: Dispositif, montant: str | None = None, territoires=None, **kwargs) -> Demande:  # noqa: ANN001
    """Une demande validée du dispositif, au plan équilibré ; `montant` force le montant demandé (sans plan)."""
    from tests.demandes.factories import DemandeFactory

    statut = kwargs.pop("statut", StatutDemande.VALIDEE)
    demande = DemandeFactory(
        statut=statut,
        session=SessionAppelFactory(dispositif=dispositif),
        budget=montant is None,
        territoires=territoires or ["arrageois"],
        **kwargs,
    )
    if montant is not None:
        demande.montant_demande = Decimal(montant)
        demande.save(update_fields=["montant_demande"])
    return demande
