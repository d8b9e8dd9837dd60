"""Saisie du budget retenu : pour chaque ligne de dépense et de ressource, le montant retenu et son motif."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from aap.demandes.financement import arrondi
from aap.demandes.financement.types import eur_fr
from aap.demandes.models import LigneDepense, LigneRessource
from aap.instruction.budget import montant_retenu_de, retenue_de


Ligne = LigneDepense | LigneRessource


def libelle_ligne(ligne: Ligne) -> str:
    if isinstance(ligne, LigneDepense):
        return f"{ligne.libelle or ligne.get_categorie_display()} ({ligne.annee})"
    return f"{ligne.get_financeur_display()}{f' — {ligne.libelle}' if ligne.libelle else ''} ({ligne.annee})"


class BudgetRetenuForm(forms.Form):
    """Deux champs par ligne : `d<pk>-montant` / `d<pk>-motif` (dépenses), `r<pk>-…` (ressources). Le montant
    retenu va de 0 (ligne écartée) au montant demandé ; le motif est obligatoire dès que la ligne est réduite."""

    def __init__(
        self, depenses: list[LigneDepense], ressources: list[LigneRessource], *args: Any, modifiable: bool = True, **kw
    ) -> None:
        super().__init__(*args, **kw)
        self.lignes: list[tuple[str, Ligne]] = [(f"d{x.pk}", x) for x in depenses] + [
            (f"r{x.pk}", x) for x in ressources
        ]
        for cle, ligne in self.lignes:
            retenue = retenue_de(ligne)
            libelle = libelle_ligne(ligne)
            montant = forms.DecimalField(
                label=f"Montant retenu : {libelle}",
                min_value=Decimal(0),
                max_value=ligne.montant,
                max_digits=12,
                decimal_places=2,
                localize=False,
                initial=montant_retenu_de(ligne),
                disabled=not modifiable,
                error_messages={
                    "max_value": f"Au plus le montant demandé ({eur_fr(ligne.montant)}) : une ligne ne peut qu'être "
                    "réduite ou écartée.",
                    "min_value": "Le montant retenu ne peut pas être négatif (0 écarte la ligne).",
                    "required": "Indiquez le montant retenu (0 écarte la ligne).",
                },
            )
            montant.widget.attrs.update(step="0.01", inputmode="decimal")
            self.fields[f"{cle}-montant"] = montant
            self.fields[f"{cle}-motif"] = forms.CharField(
                label=f"Motif : {libelle}",
                required=False,
                max_length=1000,
                initial=retenue.motif if retenue else "",
                disabled=not modifiable,
            )

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        for cle, ligne in self.lignes:
            montant = donnees.get(f"{cle}-montant")
            if (
                montant is not None
                and arrondi(montant) < ligne.montant
                and not donnees.get(f"{cle}-motif", "").strip()
            ):
                self.add_error(
                    f"{cle}-motif", "Motivez la réduction ou l'écart de la ligne : la structure verra ce motif."
                )
        return donnees

    def rangee(self, ligne: Ligne) -> tuple[forms.BoundField, forms.BoundField]:
        cle = f"{'d' if isinstance(ligne, LigneDepense) else 'r'}{ligne.pk}"
        return self[f"{cle}-montant"], self[f"{cle}-motif"]

    def changements(self) -> tuple[list[tuple[LigneDepense, Decimal, str]], list[tuple[LigneRessource, Decimal, str]]]:
        """Les lignes dont le montant retenu ou le motif change (les autres ne sont pas re-journalisées)."""
        depenses, ressources = [], []
        for cle, ligne in self.lignes:
            montant = arrondi(self.cleaned_data[f"{cle}-montant"])
            motif = self.cleaned_data[f"{cle}-motif"].strip()
            retenue = retenue_de(ligne)
            if retenue is None and montant == ligne.montant:
                continue
            if retenue is not None and montant == retenue.montant_retenu and motif == retenue.motif:
                continue
            (depenses if isinstance(ligne, LigneDepense) else ressources).append((ligne, montant, motif))
        return depenses, ressources
