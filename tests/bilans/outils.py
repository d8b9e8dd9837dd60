"""Outils des tests des bilans : une convention signée avec un membre de la structure, un contenu de bilan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aap.bilans import rules
from aap.bilans.models import Bilan
from aap.bilans.selectors import lignes_financieres
from aap.conventions.models import Convention
from aap.versements.models import Echeance, Versement
from tests.conventions.factories import fabriquer_convention
from tests.factories import MembreFactory


def convention_signee(**kwargs: Any) -> tuple[Convention, Any]:
    """Une convention signée (opération modèle F01 de 10 000 €) et un porteur membre de la structure."""
    convention = fabriquer_convention(statut="signee", **kwargs)
    membre = MembreFactory(structure=convention.structure)
    return convention, membre.user


def bilan_de(convention: Convention, type_: str = "bilan_intermediaire") -> Bilan:
    return Bilan.objects.get(operation__convention=convention, type=type_)


def donnees(bilan: Bilan, **remplacements: Any) -> dict[str, Any]:
    """Un contenu de bilan complet et valide."""
    depenses, ressources = lignes_financieres(bilan)
    contenu: dict[str, Any] = {
        "realisations": {m["code"]: Decimal("10") for m in rules.mesures(bilan.operation.regles)},
        "indicateurs": {i["code"]: {"valeur": "12", "commentaire": ""} for i in bilan.indicateurs},
        "entrees": 25,
        "sorties_detail": {"emploi_durable": 2, "abandon": 1},
        "texte_qualitatif": "Accompagnement mené comme prévu.",
        "depenses": [{**d, "realise": Decimal(d["retenu"])} for d in depenses],
        "ressources": [{**r, "montant": Decimal(r["prevu"])} for r in ressources],
        "piece": None,
    }
    contenu.update(remplacements)
    return contenu


def verser(convention: Convention, montants: dict[str, Decimal], statut: str = "paye") -> None:
    """Enregistre des versements liquidés sur les échéances de la première opération (par type)."""
    operation = convention.operations.first()
    for type_, montant in montants.items():
        echeance = Echeance.objects.get(operation=operation, type=type_)
        Versement.objects.create(echeance=echeance, convention=convention, montant=montant, statut=statut)
